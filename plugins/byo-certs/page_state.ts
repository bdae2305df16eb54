/**
 * Adding an uploaded certificate to the state from the console: a
 * `state.tls.certs` entry (and a `byo` provider when the state has none)
 * sent through `PUT /api/state` with `If-Match`, exactly as a curl user
 * would. The `tls` key belongs to the tls plugin, which this plugin does
 * not import, so it edits the document through its own narrow view.
 *
 * @module
 */
import { describeError, type PageContext, putState } from "../../mod_ui.ts";

/** The part of the state this module edits. */
interface TlsDoc {
  tls?: {
    providers: { id: string; kind: string }[];
    certs: { id: string; providerId: string; name: string; domains: string[] }[];
  };
}

const DNS_NAME =
  /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The SANs usable as SNI names: DNS names (with `*.` wildcards), not IP addresses. */
export function dnsNames(sans: string[]): string[] {
  return sans.filter((s) => DNS_NAME.test(s) && !/^[\d.]+$/.test(s) && s.length <= 253);
}

/** A free id: `base`, else `base-2`, `base-3`… */
function freeId(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2;; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** What {@link addToState} did, in words for a toast. */
export interface Added {
  ok: boolean;
  message: string;
}

/** Adds a `state.tls.certs` entry for the upload `name` unless one exists. */
export async function addToState(
  ctx: PageContext,
  name: string,
  domains: string[],
): Promise<Added> {
  if (domains.length === 0) {
    return { ok: false, message: "Not added to the state: it needs at least one DNS name." };
  }
  const current = await ctx.api<TlsDoc>("GET", "/api/state");
  if (!current.ok) {
    return { ok: false, message: `Reading the state failed. ${describeError(current)}` };
  }
  const state = structuredClone(current.body);
  const tls = state.tls;
  if (!tls) return { ok: false, message: "Not added to the state: it has no tls key." };
  let provider = tls.providers.find((p) => p.kind === "byo");
  if (!provider) {
    provider = { id: freeId("byo", new Set(tls.providers.map((p) => p.id))), kind: "byo" };
    tls.providers.push(provider);
  }
  const existing = tls.certs.find((c) => c.providerId === provider.id && c.name === name);
  if (existing) return { ok: true, message: `The state already has it as ${existing.id}.` };
  const id = freeId(name, new Set(tls.certs.map((c) => c.id)));
  tls.certs.push({ id, providerId: provider.id, name, domains });
  const reply = await putState(ctx, state, current.headers.get("etag") ?? "");
  return reply.ok
    ? { ok: true, message: `Added to the state as certificate ${id} (${domains.join(", ")}).` }
    : { ok: false, message: `Adding it to the state failed. ${describeError(reply)}` };
}
