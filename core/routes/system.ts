/**
 * `GET /api/system/interfaces`: the host's network addresses, so a form (or
 * a script) choosing a bind address offers the ones this machine has instead
 * of a free text field. Operator-level: whoever may add a bind may see where
 * it could listen.
 *
 * @module
 */
import type { PluginHost } from "../plugin.ts";

/** One address of one interface. */
export interface InterfaceAddress {
  /** The interface's name (`lo`, `eth0`, ...). */
  name: string;
  family: "IPv4" | "IPv6";
  address: string;
  /** The prefix length (`24`, `64`). */
  prefix: number;
  /** A loopback address (127.0.0.0/8, ::1): reachable from this host only. */
  loopback: boolean;
}

/** The addresses of `Deno.networkInterfaces()`, loopback first, then by name. */
export function interfaceAddresses(): InterfaceAddress[] {
  const out = Deno.networkInterfaces().map((i) => ({
    name: i.name,
    family: i.family,
    address: i.address,
    prefix: Number(i.cidr.split("/")[1]),
    loopback: i.family === "IPv4" ? i.address.startsWith("127.") : i.address === "::1",
  }));
  return out.sort((a, b) =>
    Number(b.loopback) - Number(a.loopback) || a.name.localeCompare(b.name) ||
    a.family.localeCompare(b.family) || a.address.localeCompare(b.address)
  );
}

/** Registers the system routes. */
export function systemRoutes(host: PluginHost): void {
  host.route("GET", "/api/system/interfaces", {
    role: "operator",
    tier: "read",
    summary: "The host's network addresses, for choosing a bind address",
  }, () => ({ interfaces: interfaceAddresses() }));
}
