/**
 * Whether patchpanel's admin socket answers as it should: reachable, and at
 * level `admin`. A socket that answers at a lower level (another `stats
 * socket` took its path) serves `show stat` but refuses every runtime
 * operation with "Permission denied"; one that is gone refuses everything.
 * `/health` reports either as degraded, and the stats sampler stops serving
 * an old sample as if it were current.
 *
 * @module
 */
import type { SocketResult } from "./socket.ts";

/** The answer of {@link probeAdminSocket}. */
export type AdminProbe =
  | { ok: true }
  | { ok: false; kind: "unreachable" | "level"; reason: string };

/** Sends one command to the admin socket (HaproxyClient.admin). */
export type AdminCommand = (command: string, timeoutMs?: number) => Promise<SocketResult>;

/**
 * Asks the admin socket `show cli level` (HAProxy 2.0+), which any level
 * may ask and which says the level the socket grants.
 */
export async function probeAdminSocket(
  admin: AdminCommand,
  timeoutMs = 2000,
): Promise<AdminProbe> {
  const res = await admin("show cli level", timeoutMs);
  if (!res.ok) {
    return {
      ok: false,
      kind: "unreachable",
      reason: `patchpanel's admin socket does not answer (${res.error.kind}: ${res.error.message})`,
    };
  }
  const level = res.output.trim();
  if (level === "admin") return { ok: true };
  return {
    ok: false,
    kind: "level",
    reason: `patchpanel's admin socket answers at level '${level || "(nothing)"}', not 'admin': ` +
      `runtime operations are refused (did another stats socket take its path?)`,
  };
}
