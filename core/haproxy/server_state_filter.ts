/**
 * What a reload carries over from the old worker to the new one.
 *
 * HAProxy dumps `show servers state` into `server-state-file` before each
 * reload and the new worker loads it (`load-server-state-from-file global`).
 * Loaded as dumped, that file overrides the new cfg: a server's old address
 * and port win over the address the state now declares, an old `ssl` flag
 * over a new one, a server known DOWN stays DOWN when its check is removed.
 * So the dump is rewritten, given the cfg the old worker runs and the cfg
 * the new one will load:
 *
 * - a server whose definition changed (address, port, check, backup, ssl,
 *   maxconn, disabled, TLS options, its backend's `default-server`), or that
 *   was renamed, moved to another backend or removed: its line is dropped,
 *   and the new worker starts it exactly as the cfg says;
 * - a server whose definition did not change keeps what an operator set at
 *   run time: its admin state (drain, maint; never the cfg's own
 *   `disabled`, which the cfg states anyway) and its runtime weight, unless
 *   the state's weight changed, and the observed health (check results,
 *   `disable health`), valid for the same address and check. Its address is
 *   written `-` (HAProxy then keeps the cfg's) and its port is the declared
 *   one, so a `set server addr` made at run time never survives a reload.
 *
 * @module
 */
import {
  ADMIN,
  type AdminState,
  adminStateOf,
  COL,
  REQUIRED_COLUMNS,
  type RowView,
  scanDump,
} from "./server_state.ts";
import { DeclaredCursor } from "./declared_cursor.ts";
import { type DeclaredServer, serverKey } from "./declared_servers.ts";

/** A runtime value a reload carried over instead of the declared one. */
export interface CarriedOverride {
  backend: string;
  server: string;
  field: "adminState" | "weight";
  /** What the cfg says. */
  declared: AdminState | number;
  /** What the new worker starts with. */
  running: AdminState | number;
}

/** The rewritten file and what it carries. */
export interface FilteredState {
  /** The `server-state-file` content for the new worker. */
  text: string;
  /** Admin states and weights that differ from the declared ones, per server. */
  carried: CarriedOverride[];
  /** Servers whose line was dropped (definition changed, renamed, moved or removed). */
  dropped: string[];
}

/**
 * Rewrites a dump (the text of `show servers state`) taken from the worker
 * running `live` for a worker that will run `next` (both from
 * {@link declaredServers}). Null when the text is not a version-1 dump.
 */
export function filterServerState(
  dump: string,
  live: ReadonlyMap<string, DeclaredServer>,
  next: ReadonlyMap<string, DeclaredServer>,
): FilteredState | null {
  const lines = ["1", `# ${REQUIRED_COLUMNS.join(" ")}`];
  const carried: CarriedOverride[] = [];
  const dropped: string[] = [];
  // Each line's server found in place in both cfgs (declared_cursor.ts), no key built.
  const was = new DeclaredCursor(live);
  const will = new DeclaredCursor(next);
  const ok = scanDump(dump, (row) => {
    const b = was.find(row);
    const a = b < 0 ? -1 : will.find(row);
    const before = was.servers[b];
    const after = will.servers[a];
    if (!before || !after || before.definition !== after.definition) {
      dropped.push(serverKey(row.field(COL.be_name), row.field(COL.srv_name)));
      return;
    }
    const flags = numberAt(row, COL.srv_admin_state);
    // Only the operator's bits: HAProxy recomputes inherited ones, and a line with
    // both FMAINT and FDRAIN is refused (HAProxy itself never keeps both).
    let admin = flags & ADMIN.FMAINT ? ADMIN.FMAINT : flags & ADMIN.FDRAIN;
    if (after.disabled) admin |= ADMIN.CMAINT;
    const weightKept = before.weight === after.weight;
    const weight = weightKept ? numberAt(row, COL.srv_uweight) : after.weight;
    // The required columns only: the optional ones (srv_use_ssl, check and agent
    // addresses) would override the cfg. Address, FQDN and SRV record: `-`, the cfg's.
    // A server without a port of its own keeps the dumped one, derived from the same line.
    const port = Number.isFinite(after.port) ? after.port : row.field(COL.srv_port);
    lines.push(
      `${row.span(COL.be_id, COL.srv_name)} - ${row.field(COL.srv_op_state)} ${admin} ` +
        `${weight} ${after.weight} ` +
        `${row.span(COL.srv_time_since_last_change, COL.srv_f_forced_id)} - ${port} -`,
    );
    const declaredAdmin: AdminState = after.disabled ? "maint" : "ready";
    // With the cfg's `disabled` (CMAINT) unchanged, HAProxy starts it in maintenance only
    // when FMAINT is set too (a fresh `disabled` server dumps both; `ready` clears FMAINT).
    const runningAdmin = adminStateOf(admin & ~ADMIN.CMAINT);
    if (runningAdmin !== declaredAdmin) {
      carried.push({
        ...who(after),
        field: "adminState",
        declared: declaredAdmin,
        running: runningAdmin,
      });
    }
    if (weight !== after.weight) {
      carried.push({ ...who(after), field: "weight", declared: after.weight, running: weight });
    }
  });
  return ok ? { text: lines.join("\n") + "\n", carried, dropped } : null;
}

/** `Number(row.field(i))`, without making the string when the field is plain digits. */
function numberAt(row: RowView, i: number): number {
  const n = row.digits(i);
  return Number.isNaN(n) ? Number(row.field(i)) : n;
}

function who(s: DeclaredServer): { backend: string; server: string } {
  return { backend: s.backend, server: s.server };
}
