// A clock the test moves by hand: expiry, warnings, windows and due dates without waiting.
import type { Clock } from '../../src/clock';

export class TestClock implements Clock {
  constructor(private current = new Date('2026-03-01T10:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
