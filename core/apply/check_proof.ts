/**
 * When `haproxy -c` of a candidate cannot fail: the live cfg passed it (no
 * cfg is written as the live one without passing: the reload path checks
 * before the swap, the runtime path before it writes, start-up before it
 * installs), and the candidate differs from it only in (the runtime differ,
 * runtime_diff.ts, has already required every other line to be identical,
 * in order, and no generated file to change):
 *
 * - weights and `disabled` flags of existing servers: HAProxy accepts
 *   `weight` for every value the schema allows (0–256) on any server line,
 *   and `disabled` on any, so the candidate passes exactly when the live
 *   cfg does;
 * - servers added to an existing backend: the runtime path sends each with
 *   `add server` and its exact keywords (the backend's `default-server`
 *   arguments, then the line's), which HAProxy parses with the same server
 *   keyword parsers as a cfg line, and the verdict is read only after those
 *   commands succeeded (runtime_apply.ts: a refused `add server` falls back
 *   to the reload path, which checks). A line HAProxy took at run time is
 *   one its parser takes in the cfg.
 *
 * The runtime path then spares the check, which is most of its cost on a
 * big state (`check-proven` in Server-Timing; `apply.proveChecks: false`
 * turns this off).
 *
 * Anything else (an address, a removed server that a rule may still name,
 * an ACL file's entries, whose patterns HAProxy parses per criterion) is
 * checked.
 *
 * @module
 */
import type { RuntimeChanges } from "./runtime_diff.ts";

/**
 * Whether every change is a weight or `disabled` flag on a line otherwise
 * unchanged, or a server added through `add server` (see the module doc:
 * proven once its command succeeded).
 */
export function checkIsProven(changes: RuntimeChanges, changedFiles: number): boolean {
  if (changedFiles > 0 || changes.acls.length > 0 || changes.servers.length === 0) return false;
  return changes.servers.every((c) => {
    if (c.kind === "add") return true;
    if (c.kind !== "update") return false;
    const { before, after } = c;
    return before.name === after.name &&
      before.address === after.address &&
      Number.isInteger(after.weight) && after.weight >= 0 && after.weight <= 256 &&
      before.keywords.length === after.keywords.length &&
      before.keywords.every((k, i) => k === after.keywords[i]);
  });
}
