/**
 * The key a client's address is counted under by per-address limits (the
 * auth tier, failed token attempts).
 *
 * An IPv6 host usually owns a whole /64 and can pick any address in it, so
 * counting full IPv6 addresses would give an attacker a fresh budget per
 * request; the /64 is the unit that costs them something. IPv4 addresses are
 * counted one by one, and an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`,
 * what a dual-stack listener reports) as the IPv4 address it carries.
 *
 * @module
 */

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/;

/** `ip` as a rate-limit key: IPv4 as is, IPv6 as its /64 (`2001:db8:0:1::/64`). */
export function clientKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const addr = ip.replace(/^\[|\]$/g, "").split("%")[0].toLowerCase();
  const mapped = MAPPED_V4.exec(addr);
  if (mapped) return mapped[1];
  const groups = ipv6Groups(addr);
  if (!groups) return addr;
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (no leading zeros), or null if it is not one. */
function ipv6Groups(addr: string): string[] | null {
  const halves = addr.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): string[] | null => {
    if (part === "") return [];
    const out: string[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (i === pieces.length - 1 && p.includes(".")) {
        // An embedded IPv4 address (64:ff9b::192.0.2.1) fills the last two groups.
        const octets = p.split(".").map(Number);
        if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return null;
        out.push(
          ((octets[0] << 8) | octets[1]).toString(16),
          ((octets[2] << 8) | octets[3]).toString(16),
        );
      } else if (/^[0-9a-f]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16).toString(16));
      } else return null;
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...Array(missing).fill("0"), ...tail];
}
