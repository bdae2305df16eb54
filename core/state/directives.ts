/**
 * The gate on `rawDirectives`. Raw lines are arbitrary HAProxy config, so
 * they are refused unless the host's config.yaml says
 * `security.allowRawDirectives: true`; and even then a line may not load
 * code or run programs (`lua-load*`, `external-check`, `insecure-fork-wanted`,
 * a `program` section), change HAProxy's environment or identity
 * (`setenv` and friends, `chroot`, `user`, `group`, `uid`, `gid`), open a
 * new control socket (`stats socket`), load an engine (`ssl-engine`), open a
 * new section, or name a path outside the data directory. `http-request`,
 * `http-response`, `http-after-response` and `tcp-request` lines are parsed
 * like the typed rules (actions.ts), conditions like typed conditions.
 *
 * @module
 */
import { splitWords } from "./words.ts";
import { type ActionFamily, actionWordProblems } from "./actions.ts";
import { aclTermProblems, conditionWordProblems } from "./condition.ts";
import { type ConfineContext, sampleProblems } from "./samples.ts";

/** Keywords a raw line may never start with, whatever config.yaml says, and why. */
export const DENIED_KEYWORDS: Readonly<Record<string, string>> = {
  "lua-load": "loads Lua code that HAProxy runs (also during haproxy -c)",
  "lua-load-per-thread": "loads Lua code that HAProxy runs (also during haproxy -c)",
  "lua-prepend-path": "changes where Lua code is loaded from",
  "external-check": "runs an external program as a health check",
  "insecure-fork-wanted": "lets HAProxy fork programs",
  "insecure-setuid-wanted": "lets HAProxy run setuid programs",
  setenv: "changes HAProxy's environment",
  presetenv: "changes HAProxy's environment",
  resetenv: "changes HAProxy's environment",
  unsetenv: "changes HAProxy's environment",
  chroot: "changes HAProxy's root directory",
  user: "changes the user HAProxy runs as",
  group: "changes the group HAProxy runs as",
  uid: "changes the user HAProxy runs as",
  gid: "changes the group HAProxy runs as",
  "ssl-engine": "loads an OpenSSL engine",
  "unix-bind": "changes how unix sockets are created",
  "expose-experimental-directives": "enables experimental directives",
};

/** Section keywords: a raw line may not open a section (a `program` would run commands). */
const SECTIONS = new Set([
  "global",
  "defaults",
  "frontend",
  "backend",
  "listen",
  "program",
  "userlist",
  "peers",
  "resolvers",
  "mailers",
  "http-errors",
  "ring",
  "cache",
  "fcgi-app",
]);

/** Keywords whose Nth word (1-based after the keyword) is a path, and how it is used. */
const KEYWORD_PATHS: Readonly<Record<string, { at: number; tls: boolean }>> = {
  pidfile: { at: 1, tls: false },
  "server-state-file": { at: 1, tls: false },
  "server-state-base": { at: 1, tls: false },
  "h1-case-adjust-file": { at: 1, tls: false },
  "51degrees-data-file": { at: 1, tls: false },
  "wurfl-data-file": { at: 1, tls: false },
  "deviceatlas-json-file": { at: 1, tls: false },
  errorfile: { at: 2, tls: false },
  "ssl-dh-param-file": { at: 1, tls: true },
  "issuers-chain-path": { at: 1, tls: true },
  "crt-base": { at: 1, tls: true },
  "ca-base": { at: 1, tls: true },
};

/** Option words (on `bind`, `server`, `default-server` …) whose next word is a TLS file. */
const TLS_FILE_OPTIONS = new Set([
  "crt",
  "crt-list",
  "ca-file",
  "crl-file",
  "ca-verify-file",
  "ca-sign-file",
]);

/**
 * Keywords whose Nth word is an address, which may be a unix socket path
 * (`/run/x.sock`, `unix@/run/x.sock`): a `bind` would create it (replacing
 * whatever file is there, as root), a `server` would proxy to it (a
 * container runtime's API socket, say).
 */
const ADDRESS_AT: Readonly<Record<string, number>> = {
  bind: 1,
  server: 2,
  "server-template": 3,
  peer: 2,
  nameserver: 2,
  log: 1,
};

const FAMILY_OF: Readonly<Record<string, ActionFamily>> = {
  "http-request": "http-request",
  "http-response": "http-response",
  "http-after-response": "http-after-response",
};

/** The config.yaml key that turns raw directives on. */
export const ALLOW_RAW_KEY = "security.allowRawDirectives";

/** Why raw directives are refused on a host that has not opted in. */
export const RAW_DISABLED =
  `raw directives are disabled on this host (config.yaml ${ALLOW_RAW_KEY}: true enables them)`;

/** Problems with one raw directive line, for a host that allows raw directives. */
export function rawDirectiveProblems(line: string, ctx: ConfineContext): string[] {
  const split = splitWords(line);
  if (!split.ok) return [split.message];
  const words = split.words;
  const [keyword, second] = words;
  if (!keyword) return [];
  if (keyword.startsWith(".")) return ["conditional blocks (.if, .diag …) are not allowed"];
  if (SECTIONS.has(keyword)) return [`a raw directive may not open a '${keyword}' section`];
  const denied = DENIED_KEYWORDS[keyword];
  if (denied) return [`'${keyword}' is never allowed: it ${denied}`];
  if (keyword === "stats" && second === "socket") {
    return ["'stats socket' is never allowed as a raw directive: use global.statsSockets"];
  }
  if ((keyword === "option" || keyword === "no") && words.includes("external-check")) {
    return ["'option external-check' is never allowed: it runs an external program"];
  }
  const problems: string[] = [];
  const ifAt = words.findIndex((w) => w === "if" || w === "unless");
  const body = ifAt < 0 ? words : words.slice(0, ifAt);
  if (ifAt >= 0) problems.push(...conditionWordProblems(words.slice(ifAt), ctx));

  const family = FAMILY_OF[keyword] ??
    (keyword === "tcp-request" && ["connection", "content", "session"].includes(second)
      ? `tcp-request ${second}` as ActionFamily
      : undefined);
  if (family) {
    const skip = keyword === "tcp-request" ? 2 : 1;
    return [...problems, ...actionWordProblems(family, body.slice(skip), ctx)];
  }
  if (keyword === "acl") return [...problems, ...aclTermProblems(body.slice(2), ctx)];
  const address = ADDRESS_AT[keyword] === undefined ? undefined : body[ADDRESS_AT[keyword]];
  if (address !== undefined) problems.push(...addressProblems(keyword, address, ctx));
  const at = KEYWORD_PATHS[keyword];
  if (at) {
    const path = body[at.at];
    const p = path === undefined ? null : ctx.confinement.problem(path, at.tls ? "tls" : "file");
    if (p) problems.push(`${keyword}: ${p}`);
  }
  problems.push(...optionPathProblems(body, ctx));
  if (keyword === "filter") {
    const i = body.indexOf("config");
    const p = i > 0 && body[i + 1] ? ctx.confinement.problem(body[i + 1], "file") : null;
    if (p) problems.push(`filter config: ${p}`);
  }
  // Any word may hold a sample expression or a log format (stick on, log-format, http-check …).
  for (const w of body.slice(1)) problems.push(...sampleProblems(w, ctx));
  return problems;
}

/**
 * Problems with the TLS file options among `words` (a `bind` or `server`
 * line, or a bind's options): each `crt`, `ca-file` … must name a file in
 * the data directory.
 */
export function optionPathProblems(words: string[], ctx: ConfineContext): string[] {
  const problems: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!TLS_FILE_OPTIONS.has(words[i])) continue;
    const path = words[i + 1];
    const p = path === undefined
      ? `'${words[i]}' needs a file`
      : ctx.confinement.problem(path, "tls");
    if (p) problems.push(`${words[i]}: ${p}`);
  }
  return problems;
}

/** A unix socket address must be confined (a log socket may also be syslog's); fds are refused. */
function addressProblems(keyword: string, address: string, ctx: ConfineContext): string[] {
  if (/^(fd|sockpair)@/.test(address)) {
    return [`${keyword}: '${address}' would use a file descriptor HAProxy inherited`];
  }
  const path = address.startsWith("unix@") ? address.slice(5) : address;
  if (!path.startsWith("/")) return [];
  const p = keyword === "log"
    ? ctx.confinement.logProblem(path)
    : ctx.confinement.problem(path, "file");
  return p ? [`${keyword} address: ${p}`] : [];
}
