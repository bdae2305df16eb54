/**
 * Holding runtime-API changes back while a reload hands traffic to a new
 * worker.
 *
 * A reload carries runtime state (drain, maint, weights) over through the
 * server-state file, dumped from the old worker before the new one starts.
 * A `set server … state drain` that reaches the old worker after that dump
 * would be forgotten by the new one. The apply pipeline raises this fence
 * from the dump until the new worker is confirmed; changes sent through
 * patchpanel meanwhile wait, then reach the new worker. Reads pass at once.
 *
 * @module
 */

/** Runtime-API verbs that only read; everything else may change state and waits. */
const READ_ONLY = /^\s*(show|get|help|prompt|quit)\b/i;

/**
 * Whether a runtime-API command line can change what HAProxy runs; a line
 * may hold several `;`-separated commands, and one change is enough.
 */
export function changesRuntime(command: string): boolean {
  return command.split(";").some((part) => part.trim() !== "" && !READ_ONLY.test(part));
}

/** A gate that changes wait at while an apply moves HAProxy to a new worker. */
export class RuntimeFence {
  #closed: Promise<void> | null = null;

  /** Whether changes are being held back now. */
  get closed(): boolean {
    return this.#closed !== null;
  }

  /** Closes the gate; the returned function opens it again (idempotent). */
  close(): () => void {
    let open!: () => void;
    const closed = new Promise<void>((resolve) => (open = resolve));
    this.#closed = closed;
    return () => {
      if (this.#closed === closed) this.#closed = null;
      open();
    };
  }

  /** Resolves when `command` may be sent: at once for reads, after the reload for changes. */
  async pass(command: string): Promise<void> {
    while (this.#closed !== null && changesRuntime(command)) await this.#closed;
  }
}
