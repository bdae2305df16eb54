/**
 * What the HAProxy binary and the running master say about themselves, for
 * `GET /api/haproxy/control-strategy` and `GET /api/haproxy/ssl-capabilities`:
 * `haproxy -vv` (version, OpenSSL build and runtime versions, TLS protocol
 * versions), the master's `show proc` row (uptime, version, reloads), and
 * the OpenSSL ciphers and curves the host's library offers.
 *
 * @module
 */

/** The parts of `haproxy -vv` operators ask about. */
export interface BuildInfo {
  /** `2.6.12-1+deb12u4`. */
  version: string | null;
  /** The OpenSSL HAProxy was built against (`OpenSSL 3.0.22 25 Aug 2026`). */
  opensslBuilt: string | null;
  /** The OpenSSL library it runs with now. */
  opensslRunning: string | null;
  /** TLS protocol versions the library supports, as HAProxy lists them. */
  tlsVersions: string[];
  /** Whether TLS extensions and SNI are supported. */
  tlsExtensions: boolean;
  sni: boolean;
  /** `+FEATURE` names of the feature list (`OPENSSL`, `LUA`, `PROMEX`, ...). */
  features: string[];
}

/** Parses `haproxy -vv` output. Unknown lines are ignored; missing facts are null or empty. */
export function parseBuildInfo(text: string): BuildInfo {
  const line = (re: RegExp) => re.exec(text)?.[1]?.trim() ?? null;
  const features = /^Feature list : (.*)$/m.exec(text)?.[1].split(/\s+/)
    .filter((f) => f.startsWith("+")).map((f) => f.slice(1)) ?? [];
  return {
    version: line(/^HAProxy version (\S+)/m),
    opensslBuilt: line(/^Built with OpenSSL version : (.+)$/m),
    opensslRunning: line(/^Running on OpenSSL version : (.+)$/m),
    tlsVersions: line(/^OpenSSL library supports : (.+)$/m)?.split(/\s+/) ?? [],
    tlsExtensions: line(/^OpenSSL library supports TLS extensions : (\w+)/m) === "yes",
    sni: line(/^OpenSSL library supports SNI : (\w+)/m) === "yes",
    features,
  };
}

/** The master's row of `show proc`: `<pid> master <reloads> <uptime> <version>`. */
export interface MasterRow {
  pid: number;
  reloads: number;
  /** As HAProxy prints it: `0d00h01m23s`. */
  uptime: string;
  /** The same uptime in seconds. */
  uptimeSeconds: number | null;
  version: string | null;
}

/** Parses the master row of `show proc`, or null when there is none. */
export function parseMasterRow(text: string): MasterRow | null {
  for (const raw of text.split("\n")) {
    const m = /^(\d+)\s+master\s+(\d+)(?:\s+\[failed:\s*\d+\])?\s+(\S+)(?:\s+(\S+))?/.exec(
      raw.trim(),
    );
    if (m) {
      return {
        pid: Number(m[1]),
        reloads: Number(m[2]),
        uptime: m[3],
        uptimeSeconds: uptimeSeconds(m[3]),
        version: m[4] ?? null,
      };
    }
  }
  return null;
}

/** `1d02h03m04s` → seconds; null when it is not that shape. */
export function uptimeSeconds(text: string): number | null {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === "") return null;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return ((d * 24 + h) * 60 + min) * 60 + s;
}

/** One cipher of `openssl ciphers -v`: its name and the protocol it belongs to. */
export interface Cipher {
  name: string;
  protocol: string;
}

/** Parses `openssl ciphers -v` (`NAME  PROTO Kx=.. Au=.. Enc=.. Mac=..`). */
export function parseCiphers(text: string): Cipher[] {
  const out: Cipher[] = [];
  for (const raw of text.split("\n")) {
    const [name, protocol] = raw.trim().split(/\s+/);
    if (name && protocol && /^(TLSv|SSLv)/.test(protocol)) out.push({ name, protocol });
  }
  return out;
}

/** Parses `openssl ecparam -list_curves` (`  prime256v1: X9.62/SECG curve ...`). */
export function parseCurves(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const m = /^\s*([A-Za-z0-9_-]+)\s*:/.exec(raw);
    if (m) out.push(m[1]);
  }
  return out;
}
