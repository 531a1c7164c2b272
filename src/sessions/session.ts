// The session a request carries (`req.session`): its data as plain enumerable fields, which are
// what is stored (as JSON), and the methods passport and the routes call on it. The id is not a
// field: it is `req.sessionID` and the session's `id` getter.
//
// Features add their fields by augmenting SessionData:
//   declare module '../sessions/session' { interface SessionData { csrfToken?: string } }

/** The fields a session can hold; each feature declares its own (see above). */
export interface SessionData {
  /** passport's: the signed-in user's id. */
  passport?: { user?: number };
}

/** What the middleware does when a route regenerates, saves or destroys the session. */
export interface SessionControl {
  regenerate(session: Session): Promise<void>;
  save(session: Session): Promise<void>;
  destroy(session: Session): Promise<void>;
}

type Callback = (err?: unknown) => void;

export class Session {
  // Private fields: neither is part of what is stored (JSON.stringify sees only the data fields),
  // nor copied by passport's keepSessionInfo.
  readonly #id: string;
  readonly #control: SessionControl;

  constructor(id: string, control: SessionControl, data?: Record<string, unknown>) {
    this.#id = id;
    this.#control = control;
    if (data) Object.assign(this, data);
  }

  get id(): string {
    return this.#id;
  }

  /** A new session with a new id in place of this one (whose row is deleted): against fixation. */
  regenerate(callback: Callback): void {
    this.#control.regenerate(this).then(() => callback(), callback);
  }

  /** Writes the session now (passport does, after signing in); the end of the request then need not. */
  save(callback?: Callback): void {
    this.#control.save(this).then(() => callback?.(), (err) => callback?.(err));
  }

  /** Deletes the session; the request goes on without one. */
  destroy(callback?: Callback): void {
    this.#control.destroy(this).then(() => callback?.(), (err) => callback?.(err));
  }

  /** The stored form: the data fields as JSON. */
  serialize(): string {
    return JSON.stringify(this);
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    session: Session & SessionData;
    sessionID: string;
  }
}
