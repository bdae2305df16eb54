/**
 * Renders `haproxy.resolvers[]` as `resolvers` sections, and the server
 * options that use them (`resolvers`, `init-addr`, `resolve-prefer`).
 *
 * @module
 */
import type { HaproxyModel, ServerModel } from "../state/haproxy_schema.ts";
import { HOLD_STATUSES } from "../state/resolvers_schema.ts";
import { type ConfigModel, d, type Directive } from "./model.ts";

/** Adds one `resolvers` section per entry. */
export function renderResolvers(model: ConfigModel, hp: HaproxyModel): void {
  for (const r of hp.resolvers ?? []) {
    const e = { kind: "resolvers", id: r.id };
    const dirs: Directive[] = r.nameservers.map((n) => d("nameserver", [n.name, n.address], e));
    if (r.acceptedPayloadSize !== undefined) {
      dirs.push(d("accepted_payload_size", [r.acceptedPayloadSize], e));
    }
    if (r.resolveRetries !== undefined) dirs.push(d("resolve_retries", [r.resolveRetries], e));
    for (const status of HOLD_STATUSES) {
      const period = r.hold?.[status];
      if (period !== undefined) dirs.push(d("hold", [status, period], e));
    }
    if (r.timeouts?.resolve !== undefined) {
      dirs.push(d("timeout", ["resolve", r.timeouts.resolve], e));
    }
    if (r.timeouts?.retry !== undefined) dirs.push(d("timeout", ["retry", r.timeouts.retry], e));
    model.add({ kind: "resolvers", name: r.id, entity: e, directives: dirs });
  }
}

/** A server line's resolution options, after its other options. */
export function serverResolverArgs(s: ServerModel): string[] {
  const args: string[] = [];
  if (s.resolvers !== undefined) args.push("resolvers", s.resolvers);
  if (s.resolvePrefer !== undefined) args.push("resolve-prefer", s.resolvePrefer);
  if (s.initAddr !== undefined) args.push("init-addr", s.initAddr.join(","));
  return args;
}
