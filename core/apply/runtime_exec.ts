/**
 * Runs a runtime plan on the admin socket, checking every answer, and takes
 * back what it applied when a later command fails. A step counts as applied
 * once its first command succeeded or went unanswered (an `add server`
 * HAProxy refused must not be undone with a `del server` of the server that
 * was already there; one whose answer was lost may have taken).
 *
 * @module
 */
import type { SocketResult } from "../haproxy/socket.ts";
import type { AclStep, CommandStep, RuntimeCommand, RuntimeStep } from "./runtime_plan.ts";

/** A command failed or answered what it should not: the apply falls back to a reload. */
export class RuntimeCommandError extends Error {
  /** `what` of the step, the command line and HAProxy's answer (or the socket error). */
  constructor(
    readonly step: string,
    readonly line: string,
    readonly answer: string,
    /** No answer came (the socket failed): the command may or may not have taken. */
    readonly unanswered = false,
  ) {
    super(`${step}: '${line}' answered ${JSON.stringify(answer.trim().slice(0, 200))}`);
  }
}

/** How commands reach HAProxy. */
export interface ExecDeps {
  admin(command: string): Promise<SocketResult>;
  /** How long a deletion waits for the server's sessions to end (default 10 s). */
  drainMs?: number;
}

/** ACL entries per command line (`;`-joined): fewer round trips for a long ACL. */
const ACL_BATCH = 64;
const BUSY = /connection|queue/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One runtime apply's commands, in order, with what it has applied so far. */
export class RuntimeRun {
  #applied: RuntimeStep[] = [];
  /** How many commands were sent (answers included), for the logs. */
  sent = 0;
  constructor(private deps: ExecDeps) {}

  /** Runs the steps of `phase`, in order; throws {@link RuntimeCommandError} at the first failure. */
  async run(steps: RuntimeStep[], phase: RuntimeStep["phase"]): Promise<void> {
    for (const step of steps) {
      if (step.phase !== phase) continue;
      if (step.kind === "acl") await this.#acl(step, step.entries, () => this.#applied.push(step));
      else await this.#commands(step);
    }
  }

  /**
   * Takes back every applied step, newest first. Best effort: a failing
   * undo command is reported, not thrown (the reload that follows puts
   * HAProxy on the cfg either way).
   */
  async undo(): Promise<string[]> {
    const problems: string[] = [];
    for (const step of this.#applied.reverse()) {
      try {
        if (step.kind === "acl") await this.#acl(step, step.previous, () => {});
        else for (const c of step.undo) await this.#send(step.what, c);
      } catch (error) {
        problems.push(String((error as Error).message));
      }
    }
    this.#applied = [];
    return problems;
  }

  async #commands(step: CommandStep): Promise<void> {
    let applied = false;
    const took = () => {
      if (!applied) this.#applied.push(step);
      applied = true;
    };
    for (const c of step.commands) {
      try {
        if (step.drain) await this.#drained(step, c);
        else await this.#send(step.what, c);
      } catch (error) {
        // No answer (socket closed, timeout): the command may have taken; its undo only
        // puts back what ran before, so take it back too.
        if (error instanceof RuntimeCommandError && error.unanswered) took();
        throw error;
      }
      took();
    }
  }

  async #send(what: string, c: RuntimeCommand): Promise<string> {
    this.sent++;
    const answer = await this.deps.admin(c.line);
    if (!answer.ok) throw new RuntimeCommandError(what, c.line, answer.error.message, true);
    if (!c.expect.test(answer.output)) throw new RuntimeCommandError(what, c.line, answer.output);
    return answer.output;
  }

  /** `del server` refuses while sessions or a queue remain: ask again until the bound. */
  async #drained(step: CommandStep, c: RuntimeCommand): Promise<void> {
    const end = performance.now() + (this.deps.drainMs ?? 10_000);
    while (true) {
      this.sent++;
      const answer = await this.deps.admin(c.line);
      if (answer.ok && c.expect.test(answer.output)) return;
      const text = answer.ok ? answer.output : answer.error.message;
      if (!answer.ok || !BUSY.test(text) || performance.now() > end) {
        throw new RuntimeCommandError(step.what, c.line, text, !answer.ok);
      }
      await sleep(20);
    }
  }

  /** Replaces an ACL's entries in one commit; `done` runs once the commit took. */
  async #acl(step: AclStep, entries: string[], done: () => void): Promise<void> {
    const prepared = await this.#send(step.what, {
      line: `prepare acl ${step.file}`,
      expect: /New version created: \d+/,
    });
    const version = /New version created: (\d+)/.exec(prepared)![1];
    for (let i = 0; i < entries.length; i += ACL_BATCH) {
      const line = entries.slice(i, i + ACL_BATCH)
        .map((e) => `add acl @${version} ${step.file} ${e}`)
        .join(";");
      await this.#send(step.what, { line, expect: /^\s*$/ });
    }
    await this.#send(step.what, { line: `commit acl @${version} ${step.file}`, expect: /^\s*$/ });
    done();
  }
}
