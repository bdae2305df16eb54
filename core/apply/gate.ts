/**
 * Refusals that every apply a plugin starts must pass (a peer's push, a
 * certificate install, a Lua or BYO re-apply), checked under the apply
 * lock so none slips in between a check and the apply. The
 * commit-confirmed window installs one: while a window is pending (or
 * being opened), such an apply is the same 409 `{error, pending}` a PUT
 * gets, and only an operator's explicit `supersede=true` replaces the
 * window's change. The core's own routes and the window's rollback apply
 * around it, under the window's own rules.
 *
 * @module
 */

/** One refusal: `ready` loads what `admit` needs; `admit` throws (an HttpError) to refuse. */
export interface ApplyGate {
  /** Awaited before the apply queues for the lock (a persisted window is loaded first). */
  ready(): Promise<void>;
  /** Called under the apply lock, before anything is validated or written; throws to refuse. */
  admit(): void;
}

/** The installed gates, asked in installation order. */
export class ApplyGates {
  #gates: ApplyGate[] = [];

  /** Adds a gate (at start-up, by the part of the core that owns the refusal). */
  add(gate: ApplyGate): void {
    this.#gates.push(gate);
  }

  /** Loads every gate's state. */
  async ready(): Promise<void> {
    for (const g of this.#gates) await g.ready();
  }

  /** Throws the first refusal. */
  admit(): void {
    for (const g of this.#gates) g.admit();
  }
}
