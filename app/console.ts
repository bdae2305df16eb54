/**
 * The web console as a daemon part: the `ui` plugin's own pages, and the
 * mount that turns every plugin's pages into routes behind the same guards.
 * Only the composition root (`app/`) adds it; `core/` never imports `ui/`.
 *
 * @module
 */
import type { DaemonPart } from "../core/daemon.ts";
import { uiPlugin } from "../ui/plugin.ts";
import { mountPages } from "../ui/mount.ts";

/** The console part: what `app/daemon.ts` adds to every non-headless daemon. */
export function consolePart(): DaemonPart {
  return { plugin: uiPlugin(), mount: mountPages };
}
