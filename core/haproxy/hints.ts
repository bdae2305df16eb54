/**
 * Turning HAProxy's `-c` and load-time output into hints that name the state
 * entity at fault.
 *
 * The renderer keeps a line → entity map of the file it printed; HAProxy
 * reports problems as `[ALERT] (pid) : config : parsing [file:line] : ...`.
 * Joining the two lets the UI say "acl host_typo" instead of "line 12". Some
 * messages carry no line but name a proxy (`Proxy 'fe_main': unable to find
 * required use_backend`, `missing timeouts for backend 'be_app'`); those can
 * be mapped through an optional proxy-name lookup. A message that names the
 * thing at fault itself (`no such ACL : 'host_typo'`, `unable to find required
 * use_backend: 'be_missing'`) gets that entity, which is what the operator has
 * to fix, rather than the frontend whose line mentions it.
 *
 * A reload prints much more than the error: the old worker's "Paused
 * frontend ..." / "Resumed ..." lines (logged as warnings), "Loading
 * failure!", and a closing "Some protocols failed to start their listeners"
 * that repeats the bind alert. Those are notices, not problems, and are
 * dropped, so one HAProxy problem is one hint; errors come before warnings.
 *
 * @module
 */

/** A state entity, as the renderer's line map names it (e.g. `{kind: "acl", id: "host_typo"}`). */
export interface HintEntity {
  /** The entity's kind as the state names it (`backend`, `frontend`, `acl`, …). */
  kind: string;
  /** The entity's name within its kind. */
  id: string;
  /** The same name again, under the key the REST contract's 502 example uses. */
  name?: string;
}

/** One problem HAProxy reported, tied to the entity that caused it when known. */
export interface Hint {
  /** Whether HAProxy refused the config (`error`) or only warned about it. */
  severity: "error" | "warning";
  /** Line in the checked file, or null when HAProxy named none. */
  line: number | null;
  /** The message without HAProxy's prefix and location; continuation lines joined by "\n". */
  message: string;
  /** The state entity at fault, when the line map or a proxy name identifies it. */
  entity: HintEntity | null;
  /** The file HAProxy named, when it is not the checked one (e.g. an included file). */
  file?: string;
  /** The proxy (frontend/backend/listen) a line-less message names, if any. */
  proxy?: string;
}

const HEADER = /^\[(ALERT|WARNING)\]\s*(?:\(\d+\)\s*)?:\s*(?:config\s*:\s*)?(.*)$/;
const OTHER_HEADER = /^\[[A-Z]+\]/;
const LOCATION = /(?:parsing\s+)?\[([^\[\]]+):(\d+)\]\s*(?::\s*)?/;
/** `[127.0.0.1:80]` and `[:::443]` are addresses, not `[file:line]`. */
const ADDRESS_LIKE = /^[\d.*]*$|^[\da-f:]*$/i;
const PROXY = /(?:Proxy|frontend|backend|listen|proxy)\s+'([^']+)'/;
/** HAProxy's closing summaries repeat what the individual alerts already said. */
const BOILERPLATE = [
  /^Error\(s\) found in configuration file\s*:/,
  /^Fatal errors found in configuration\.?$/,
];
/**
 * Progress notices HAProxy logs at warning level during a reload or stop:
 * the old worker pausing and resuming its listeners, the master's verdict.
 */
const NOTICES = [
  /^(Paused|Resumed|Stopped|Stopping) (frontend|backend|proxy|listen|peers|cache|ring|log-forward) \S+?\.?$/,
  /^Proxy \S+ stopped \(/,
  /^Loading (success|failure)[.!]?$/,
  /^(Reexecuting|Exiting) Master process/,
  /^All workers exited\. Exiting/,
  /^Reloading HAProxy/,
];
/** Alerts that only sum up the ones before them; kept only when they are the sole error. */
const RESTATEMENTS = [
  /Some protocols failed to start their listeners! Exiting\.?$/,
];
/** Messages that name the entity at fault themselves: kind, and the pattern capturing its name. */
const NAMED: { kind: string; pattern: RegExp }[] = [
  { kind: "acl", pattern: /no such ACL\s*:\s*'([^']+)'/ },
  {
    kind: "backend",
    pattern: /unable to find required (?:use_backend|default_backend)\s*:\s*'([^']+)'/,
  },
];

/** Resolves a path the way HAProxy printed it (relative paths are relative to our cwd). */
function normalize(path: string): string {
  if (path.startsWith("/")) return path.replace(/\/+/g, "/");
  return `${Deno.cwd()}/${path}`.replace(/\/(\.\/)+/g, "/").replace(/\/+/g, "/");
}

/**
 * Parses `haproxy -c` (or start-up/reload) output into hints. Lines located in
 * `cfgPath` are mapped with `lineEntity`; line-less messages that name a proxy
 * are mapped with `proxyEntity` when given; a message naming an ACL or
 * backend that does not exist gets that entity. NOTICE lines, notices
 * HAProxy logs as warnings (Paused/Resumed ...), closing summaries and
 * repeated messages are dropped; errors come first, each group in HAProxy's
 * order.
 */
export function parseHints(
  output: string,
  cfgPath: string,
  lineEntity: (line: number) => HintEntity | null,
  proxyEntity?: (proxy: string) => HintEntity | null,
): Hint[] {
  const hints: Hint[] = [];
  const target = normalize(cfgPath);
  let current: Hint | null = null;
  for (const raw of output.split("\n")) {
    const text = raw.replace(/\r$/, "");
    const head = HEADER.exec(text);
    if (head) {
      current = toHint(head[1], head[2].trim(), target, lineEntity, proxyEntity);
      if (current) hints.push(current);
      continue;
    }
    if (OTHER_HEADER.test(text)) {
      current = null;
      continue;
    }
    const cont = /^\s+\|\s?(.*)$/.exec(text);
    if (cont && current) current.message += "\n" + cont[1];
  }
  return tidy(hints);
}

/** Drops repeats and restating summaries, then puts errors before warnings. */
function tidy(hints: Hint[]): Hint[] {
  const seen = new Set<string>();
  const unique = hints.filter((h) => {
    const key = `${h.severity}\0${h.line}\0${h.file ?? ""}\0${h.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const restates = (h: Hint) => RESTATEMENTS.some((re) => re.test(h.message));
  const errors = unique.filter((h) => h.severity === "error");
  const substantive = errors.filter((h) => !restates(h));
  return [
    ...(substantive.length ? substantive : errors),
    ...unique.filter((h) => h.severity === "warning"),
  ];
}

/** The entity a message names itself (`no such ACL : 'x'`), with `name` as the contract spells it. */
function namedEntity(message: string): HintEntity | null {
  for (const { kind, pattern } of NAMED) {
    const m = pattern.exec(message);
    if (m) return { kind, id: m[1], name: m[1] };
  }
  return null;
}

function toHint(
  level: string,
  body: string,
  target: string,
  lineEntity: (line: number) => HintEntity | null,
  proxyEntity?: (proxy: string) => HintEntity | null,
): Hint | null {
  if (BOILERPLATE.some((re) => re.test(body))) return null;
  if (NOTICES.some((re) => re.test(body))) return null;
  const severity = level === "ALERT" ? "error" : "warning";
  const loc = LOCATION.exec(body);
  if (loc && !ADDRESS_LIKE.test(loc[1])) {
    const line = Number(loc[2]);
    const ours = normalize(loc[1]) === target;
    // "parsing [file:line] : msg" reads best as "msg"; other forms keep their wording.
    const message = loc[0].startsWith("parsing")
      ? (body.slice(0, loc.index) + body.slice(loc.index + loc[0].length)).trim()
      : body;
    const entity = namedEntity(message) ?? (ours ? lineEntity(line) : null);
    const hint: Hint = { severity, line, message, entity };
    if (!ours) hint.file = loc[1];
    return hint;
  }
  const proxy = PROXY.exec(body)?.[1];
  const hint: Hint = {
    severity,
    line: null,
    message: body,
    entity: namedEntity(body) ?? (proxy && proxyEntity ? proxyEntity(proxy) : null),
  };
  if (proxy) hint.proxy = proxy;
  return hint;
}
