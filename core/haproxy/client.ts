/**
 * The HAProxy facade the rest of the daemon uses, in both process modes.
 *
 * Embedded mode (patchpanel started HAProxy, see {@link EmbeddedHaproxy}) and
 * attach mode (a systemd-managed HAProxy with a master socket) differ only in
 * where load errors can be read: embedded mode has HAProxy's stderr, attach
 * mode has only what the master CLI answers (on 2.7+ the `reload` reply
 * carries the start-up log; on 2.6 it is empty). Everything else is the same
 * code path.
 *
 * @module
 */

import { checkConfig, type CheckResult } from "./check.ts";
import { MasterClient, type ProcInfo, type ReloadOutcome } from "./master.ts";
import type { EmbeddedHaproxy } from "./process.ts";
import { sendCommand, type SocketResult } from "./socket.ts";
import { RuntimeFence } from "./runtime_fence.ts";

/** Where the HAProxy pieces live. Leave out `embedded` to attach to an existing master. */
export interface HaproxyClientOptions {
  binary: string;
  masterSocket: string;
  /** The worker's admin-level stats socket (runtime API). */
  adminSocket: string;
  cfgPath: string;
  embedded?: EmbeddedHaproxy;
  /** Reload confirmation budget (default 15000 ms). */
  reloadTimeoutMs?: number;
  /** How long `haproxy -c` may run before it is stopped and counts as failed (default: unbounded). */
  checkTimeoutMs?: number;
}

/** A reload outcome plus what HAProxy printed while loading (its error text on failure). */
export type ReloadResult = ReloadOutcome & { output: string };

const LOAD_DONE = /Loading (?:success|failure)|Success=[01]/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One HAProxy, reached through its binary, master CLI and admin socket. */
export class HaproxyClient {
  /** The HAProxy binary, the same one `check()` runs `haproxy -c` with. */
  readonly binary: string;
  /** The config file HAProxy loads, which the apply pipeline swaps atomically. */
  readonly cfgPath: string;
  /**
   * Closed by the apply pipeline from the server-state dump until the new
   * worker runs; {@link admin} waits at it. Core machinery, not plugin API.
   *
   * @internal
   */
  readonly fence: RuntimeFence = new RuntimeFence();
  #opts: HaproxyClientOptions;
  #master: MasterClient;

  /** Holds no connections; every call opens its own. */
  constructor(opts: HaproxyClientOptions) {
    this.#opts = opts;
    this.binary = opts.binary;
    this.cfgPath = opts.cfgPath;
    this.#master = new MasterClient(opts.masterSocket);
  }

  /** `haproxy -c -f cfgPath` with the same binary that runs the live config. */
  check(cfgPath: string = this.cfgPath): Promise<CheckResult> {
    return checkConfig(this.#opts.binary, cfgPath, this.#opts.checkTimeoutMs);
  }

  /**
   * Reloads through the master CLI and confirms that a new worker came up.
   * `output` holds HAProxy's log of the attempt: captured stderr in embedded
   * mode, the `reload` reply in attach mode (empty on 2.6).
   */
  async reload(): Promise<ReloadResult> {
    const embedded = this.#opts.embedded;
    const mark = embedded?.logMark() ?? 0;
    const outcome = await this.#master.reload({ timeoutMs: this.#opts.reloadTimeoutMs });
    if (!embedded) return { ...outcome, output: outcome.reply ?? "" };
    // An unconfirmed reload may mean a wedged master: have the supervisor look now (it
    // restarts one that stays silent), without holding up the caller's rollback.
    if (!outcome.ok && outcome.kind !== "failed") void embedded.checkResponsive();
    // On failure the error text is the answer: stderr arrives through a pipe, so give the
    // "Loading failure" line a moment. A confirmed success needs no log, so it does not wait.
    if (!outcome.ok) {
      for (let i = 0; i < 20 && !LOAD_DONE.test(embedded.logSince(mark)); i++) await sleep(25);
    }
    return { ...outcome, output: embedded.logSince(mark) };
  }

  /**
   * One runtime-API command on the worker's admin socket (drain, weight,
   * maps...). A change waits while {@link fence} is closed by a reload.
   */
  async admin(command: string, timeoutMs?: number): Promise<SocketResult> {
    await this.fence.pass(command);
    return sendCommand(this.#opts.adminSocket, command, { timeoutMs });
  }

  /**
   * One command on the master CLI (`show proc`, `@1 show info`, ...);
   * `onText` sees the answer as it arrives (as `sendCommand` passes it on).
   */
  master(
    command: string,
    timeoutMs?: number,
    onText?: (text: string) => void,
  ): Promise<SocketResult> {
    return sendCommand(this.#opts.masterSocket, command, { timeoutMs, onText });
  }

  /** The master's parsed `show proc`, or null when it does not answer. */
  showProc(): Promise<ProcInfo | null> {
    return this.#master.showProc();
  }
}
