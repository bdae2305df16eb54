/**
 * What the running HAProxy can change at run time, asked once of its admin
 * socket (`show info` for the version, `help` for the commands it knows),
 * and the 2.6 rules the runtime differ applies: which balance algorithms
 * take dynamic servers and weights, and which `server` keywords
 * `add server` accepts (management.txt of 2.6, "add server"). Anything the
 * running HAProxy does not offer makes an apply take the reload path.
 *
 * @module
 */

/** The runtime capabilities of one HAProxy. */
export interface RuntimeSupport {
  /** `show info`'s Version, e.g. `2.6.12-1+deb12u4`. */
  version: string;
  /** `set server <b>/<s> weight|state|addr` (1.8+). */
  setServer: boolean;
  /** `add server` and `del server` (2.5+ without experimental mode). */
  dynamicServers: boolean;
  /** `prepare acl` / `commit acl` (2.4+): an ACL's entries replaced atomically. */
  aclVersions: boolean;
  /** Keywords `add server` accepts, each with how many arguments it takes. */
  addServerKeywords: ReadonlyMap<string, number>;
}

/** A keyword `add server` takes without an argument, in 2.6. */
const FLAGS = [
  "agent-check",
  "allow-0rtt",
  "backup",
  "check",
  "check-send-proxy",
  "check-ssl",
  "check-via-socks4",
  "disabled",
  "enabled",
  "no-ssl-reuse",
  "no-tls-tickets",
  "send-proxy",
  "send-proxy-v2",
  "send-proxy-v2-ssl",
  "send-proxy-v2-ssl-cn",
  "ssl",
  "tfo",
  "tls-tickets",
  ...["sslv3", "tlsv10", "tlsv11", "tlsv12", "tlsv13"].flatMap((v) => [`force-${v}`, `no-${v}`]),
];

/** A keyword `add server` takes with one argument, in 2.6 (`source`/`usesrc` left out). */
const WITH_ARG = [
  "agent-addr",
  "agent-inter",
  "agent-port",
  "agent-send",
  "alpn",
  "addr",
  "ca-file",
  "check-alpn",
  "check-proto",
  "check-sni",
  "ciphers",
  "ciphersuites",
  "crl-file",
  "crt",
  "downinter",
  "error-limit",
  "fall",
  "fastinter",
  "id",
  "inter",
  "maxconn",
  "maxqueue",
  "minconn",
  "npn",
  "observe",
  "on-error",
  "on-marked-down",
  "on-marked-up",
  "pool-low-conn",
  "pool-max-conn",
  "pool-purge-delay",
  "port",
  "proto",
  "proxy-v2-options",
  "rise",
  "slowstart",
  "sni",
  "ssl-max-ver",
  "ssl-min-ver",
  "verify",
  "verifyhost",
  "weight",
  "ws",
];

/** The `add server` keywords of HAProxy 2.6 and their argument counts. */
export const ADD_SERVER_KEYWORDS_2_6: ReadonlyMap<string, number> = new Map([
  ...FLAGS.map((k) => [k, 0] as const),
  ...WITH_ARG.map((k) => [k, 1] as const),
]);

/**
 * Balance algorithms whose weights change at run time and that take
 * dynamic servers (HAProxy calls them dynamic). Hash-based ones are dynamic
 * only with `hash-type consistent`; `static-rr` and map-based hashing never.
 */
export function isDynamicBalance(algorithm: string, consistent: boolean): boolean {
  if (["roundrobin", "leastconn", "first", "random"].includes(algorithm)) return true;
  if (["source", "uri", "url_param", "hdr", "rdp-cookie"].includes(algorithm)) return consistent;
  return false;
}

/** Parses `major.minor` out of a version string; null when it is not one. */
export function versionOf(version: string): { major: number; minor: number } | null {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/**
 * The capabilities from `show info` and `help` answers. Unknown or older
 * versions get nothing, so every apply reloads.
 */
export function supportFrom(info: string, help: string): RuntimeSupport {
  const version = /^Version:\s*(\S+)/m.exec(info)?.[1] ?? "";
  const v = versionOf(version);
  const atLeast = (major: number, minor: number) =>
    v !== null && (v.major > major || (v.major === major && v.minor >= minor));
  const knows = (command: string) => help.includes(command);
  return {
    version,
    setServer: atLeast(1, 8) && knows("set server"),
    dynamicServers: atLeast(2, 5) && knows("add server") && knows("del server"),
    aclVersions: atLeast(2, 4) && knows("prepare acl") && knows("commit acl"),
    addServerKeywords: atLeast(2, 6) ? ADD_SERVER_KEYWORDS_2_6 : new Map(),
  };
}

/** Nothing at run time: the answer when HAProxy cannot be asked. */
export const NO_RUNTIME_SUPPORT: RuntimeSupport = {
  version: "",
  setServer: false,
  dynamicServers: false,
  aclVersions: false,
  addServerKeywords: new Map(),
};

/**
 * Asks the admin socket; null when it does not answer (no worker yet), so
 * the caller asks again next time rather than remembering "nothing".
 */
export async function detectSupport(
  admin: (command: string) => Promise<{ ok: true; output: string } | { ok: false }>,
): Promise<RuntimeSupport | null> {
  const [info, help] = await Promise.all([admin("show info"), admin("help")]);
  if (!info.ok || !help.ok) return null;
  return supportFrom(info.output, help.output);
}
