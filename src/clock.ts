// Time is injected so expiry, due dates and timestamps are testable.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
