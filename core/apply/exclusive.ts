/**
 * One change to the running configuration at a time. The in-process mutex
 * orders requests; the apply flock makes a `patchpanel backup-pre` in
 * another process wait for a change in flight, and the backup marker then
 * refuses new ones (503) until `backup-post`.
 *
 * @module
 */
import { HttpError } from "../errors.ts";
import { refuseDuringBackup, withApplyLock } from "../backup.ts";
import type { DataPaths } from "../paths.ts";
import type { Mutex } from "./mutex.ts";

/**
 * Runs `fn` once the change in flight (if any) is done, under the apply
 * lock. A change that waited past `waitMs` is refused (503) and never runs:
 * its client may have given up, and applying it later would change HAProxy
 * behind everyone's back.
 */
export function oneChangeAtATime<T>(
  mutex: Mutex,
  paths: DataPaths,
  waitMs: number | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const timeoutError = () =>
    new HttpError(
      "ServiceUnavailable",
      `another change is still being applied; waited ${waitMs} ms`,
      { error: `another change is still being applied; waited ${waitMs} ms, not applied` },
      { "retry-after": String(Math.max(1, Math.ceil((waitMs ?? 0) / 1000))) },
    );
  return mutex.run(() =>
    withApplyLock(paths, () => {
      refuseDuringBackup(paths);
      return fn();
    }), { waitMs, timeoutError });
}
