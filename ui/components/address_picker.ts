/**
 * Suggestions for a bind's address: the host's own addresses (`GET
 * /api/system/interfaces`), so an operator picks an address that exists on
 * this machine instead of typing one that HAProxy would fail to bind.
 * Plain HTML (`<datalist>`): the field stays a free text input, and the
 * suggestions work without JavaScript.
 *
 * @module
 */
import type { PageContext } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";

/** The datalist's id, for `Field`'s `list`. */
export const BIND_ADDRESSES = "bind-addresses";

interface Address {
  address: string;
  family: "IPv4" | "IPv6";
}

/**
 * The host's addresses as `host:` prefixes (IPv6 bracketed), plus every
 * interface; empty when the caller may not list them (the route is the
 * operator's) or the call fails, since suggestions are a convenience.
 */
export async function hostAddresses(ctx: PageContext): Promise<string[]> {
  const r = await ctx.api<{ interfaces: Address[] }>("GET", "/api/system/interfaces");
  if (!r.ok) return [];
  const hosts = r.body.interfaces.map((i) => i.family === "IPv6" ? `[${i.address}]` : i.address);
  return [...new Set([...hosts, "0.0.0.0", "[::]"])];
}

/** The `<datalist>` of `host:port` starts, one per address. */
export function AddressOptions(props: { addresses: string[] }): VNode | null {
  if (props.addresses.length === 0) return null;
  return html`<datalist id=${BIND_ADDRESSES}>
    ${props.addresses.map((a) => html`<option value=${`${a}:`}>${a}</option>`)}
  </datalist>`;
}
