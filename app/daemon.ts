/**
 * The composition root of a daemon: the core (`core/daemon.ts`) plus the
 * web console. `startHeadlessDaemon` is the core alone: the API, no pages.
 *
 * @module
 */
import {
  type Daemon,
  type DaemonOptions,
  startDaemon as startHeadlessDaemon,
} from "../core/daemon.ts";
import { consolePart } from "./console.ts";

export { startHeadlessDaemon };
export type { Daemon, DaemonOptions, DaemonPart, DaemonStopOptions } from "../core/daemon.ts";

/** Starts a daemon with the web console (and any further `parts`). */
export function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  return startHeadlessDaemon({ ...opts, parts: [consolePart(), ...(opts.parts ?? [])] });
}
