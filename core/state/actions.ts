/**
 * `http-request`, `http-response` and `tcp-request` actions are parsed, not
 * trusted: each action keyword HAProxy 2.6 documents (configuration.txt,
 * section 4.2) is listed here with the shape of its arguments, and an action
 * string from the state must match one. Arguments that name a file
 * (`return … file`, `errorfile`, `lf-file`, the file of `add-acl()` and
 * `set-map()`) must be inside the data directory; sample expressions and
 * log-format arguments are checked for map files, `lua.*` and `env()`
 * (samples.ts); `lua.*` actions and `use-service lua.*` need an enabled Lua
 * plugin that registers them. Anything else is refused with a message that
 * names the rule.
 *
 * @module
 */
import { splitWords } from "./words.ts";
import { type ConfineContext, formatProblems, luaProblem, sampleProblems } from "./samples.ts";

/** The rule sets an action belongs to, as HAProxy spells the directive. */
export type ActionFamily =
  | "http-request"
  | "http-response"
  | "http-after-response"
  | "tcp-request connection"
  | "tcp-request content"
  | "tcp-request session";

/**
 * What one argument is: `fmt` a log-format string, `expr` a sample
 * expression, `file` a path, `status` an HTTP status, `int` an integer,
 * `time` an HAProxy time, `text` anything (a name, a regex, a literal),
 * or a list of the exact words allowed.
 */
type Kind = "fmt" | "expr" | "file" | "status" | "int" | "time" | "text" | readonly string[];

/** What may sit between the parentheses of an action keyword such as `set-var(txn.x)`. */
type Paren = "file" | "var" | "var-cond" | "sc" | "idx-sc" | "resolve";

/** The argument shape of one action keyword. */
interface ActionSpec {
  paren?: Paren;
  /** Required positional arguments, in order. */
  args?: readonly Kind[];
  /** Optional positional arguments after them. */
  optional?: readonly Kind[];
  /** Keyword options that may follow, each with the kinds of its values. */
  options?: Readonly<Record<string, readonly Kind[]>>;
  /** Options that may be given more than once. */
  repeat?: readonly string[];
  /** Exactly one of these options must be given. */
  oneOf?: readonly string[];
}

const STATUS_PAYLOAD: ActionSpec["options"] = {
  status: ["status"],
  deny_status: ["status"],
  "content-type": ["text"],
  "default-errorfiles": [],
  errorfile: ["file"],
  errorfiles: ["text"],
  file: ["file"],
  "lf-file": ["file"],
  string: ["text"],
  "lf-string": ["fmt"],
  hdr: ["text", "fmt"],
};
const RESPONSE: ActionSpec = { options: STATUS_PAYLOAD, repeat: ["hdr"] };
const NONE: ActionSpec = {};
const EXPR: ActionSpec = { args: ["expr"] };
const FMT: ActionSpec = { args: ["fmt"] };
const WORD: ActionSpec = { args: ["text"] };
const TRACK: ActionSpec = { args: ["expr"], options: { table: ["text"] } };
const NORMALIZERS = [
  "fragment-encode",
  "fragment-strip",
  "path-merge-slashes",
  "path-strip-dot",
  "path-strip-dotdot",
  "percent-decode-unreserved",
  "percent-to-uppercase",
  "query-sort-by-name",
] as const;

/** Every action keyword HAProxy 2.6 documents, with its argument shape. */
const SPECS: Readonly<Record<string, ActionSpec>> = {
  accept: NONE,
  "add-acl": { paren: "file", args: ["fmt"] },
  "add-header": { args: ["text", "fmt"] },
  allow: NONE,
  auth: { options: { realm: ["text"] } },
  "cache-store": WORD,
  "cache-use": WORD,
  capture: { args: ["expr"], options: { len: ["int"], id: ["int"] } },
  "del-acl": { paren: "file", args: ["fmt"] },
  "del-header": { args: ["text"], options: { "-m": [["str", "beg", "end", "sub", "reg"]] } },
  "del-map": { paren: "file", args: ["fmt"] },
  deny: RESPONSE,
  "disable-l7-retry": NONE,
  "do-resolve": { paren: "resolve", args: ["expr"] },
  "early-hint": { args: ["text", "fmt"] },
  "expect-netscaler-cip": { args: [["layer4"]] },
  "expect-proxy": { args: [["layer4"]] },
  "normalize-uri": { args: [NORMALIZERS], optional: [["full", "strict"]] },
  redirect: {
    options: {
      location: ["fmt"],
      prefix: ["fmt"],
      scheme: ["fmt"],
      code: [["301", "302", "303", "307", "308"]],
      "drop-query": [],
      "append-slash": [],
      "ignore-empty": [],
      "set-cookie": ["text"],
      "clear-cookie": ["text"],
    },
    oneOf: ["location", "prefix", "scheme"],
  },
  reject: NONE,
  "replace-header": { args: ["text", "text", "fmt"] },
  "replace-path": { args: ["text", "fmt"] },
  "replace-pathq": { args: ["text", "fmt"] },
  "replace-uri": { args: ["text", "fmt"] },
  "replace-value": { args: ["text", "text", "fmt"] },
  return: RESPONSE,
  "sc-inc-gpc": { paren: "idx-sc" },
  "sc-inc-gpc0": { paren: "sc" },
  "sc-inc-gpc1": { paren: "sc" },
  "sc-set-gpt": { paren: "idx-sc", args: ["expr"] },
  "sc-set-gpt0": { paren: "sc", args: ["expr"] },
  "send-spoe-group": { args: ["text", "text"] },
  "set-dst": EXPR,
  "set-dst-port": EXPR,
  "set-header": { args: ["text", "fmt"] },
  "set-log-level": {
    args: [["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "silent"]],
  },
  "set-map": { paren: "file", args: ["fmt", "fmt"] },
  "set-mark": WORD,
  "set-method": FMT,
  "set-nice": { args: ["int"] },
  "set-path": FMT,
  "set-pathq": FMT,
  "set-priority-class": EXPR,
  "set-priority-offset": EXPR,
  "set-query": FMT,
  "set-src": EXPR,
  "set-src-port": EXPR,
  "set-status": { args: ["status"], options: { reason: ["text"] } },
  "set-timeout": { args: [["server", "tunnel"], "expr"] },
  "set-tos": WORD,
  "set-uri": FMT,
  "set-var": { paren: "var-cond", args: ["expr"] },
  "set-var-fmt": { paren: "var-cond", args: ["fmt"] },
  "silent-drop": NONE,
  "strict-mode": { args: [["on", "off"]] },
  "switch-mode": { args: [["http"]], options: { proto: ["text"] } },
  tarpit: RESPONSE,
  "track-sc0": TRACK,
  "track-sc1": TRACK,
  "track-sc2": TRACK,
  "unset-var": { paren: "var" },
  "use-service": { args: ["text"] },
  "wait-for-body": { options: { time: ["time"], "at-least": ["text"] }, oneOf: ["time"] },
  "wait-for-handshake": NONE,
};

const TRACKING = [
  "sc-inc-gpc",
  "sc-inc-gpc0",
  "sc-inc-gpc1",
  "sc-set-gpt",
  "sc-set-gpt0",
  "set-mark",
  "set-tos",
  "set-var",
  "set-var-fmt",
  "unset-var",
  "silent-drop",
  "track-sc0",
  "track-sc1",
  "track-sc2",
];
const ADDRESSING = ["set-dst", "set-dst-port", "set-src", "set-src-port"];

/** Which keywords each rule set accepts (the lists at the top of each 4.2 entry). */
const FAMILIES: Readonly<Record<ActionFamily, ReadonlySet<string>>> = {
  "http-request": new Set([
    ...TRACKING,
    ...ADDRESSING,
    "add-acl",
    "add-header",
    "allow",
    "auth",
    "cache-use",
    "capture",
    "del-acl",
    "del-header",
    "del-map",
    "deny",
    "disable-l7-retry",
    "do-resolve",
    "early-hint",
    "normalize-uri",
    "redirect",
    "reject",
    "replace-header",
    "replace-path",
    "replace-pathq",
    "replace-uri",
    "replace-value",
    "return",
    "send-spoe-group",
    "set-header",
    "set-log-level",
    "set-map",
    "set-method",
    "set-nice",
    "set-path",
    "set-pathq",
    "set-priority-class",
    "set-priority-offset",
    "set-query",
    "set-timeout",
    "set-uri",
    "strict-mode",
    "tarpit",
    "use-service",
    "wait-for-body",
    "wait-for-handshake",
  ]),
  "http-response": new Set([
    ...TRACKING,
    "add-acl",
    "add-header",
    "allow",
    "cache-store",
    "capture",
    "del-acl",
    "del-header",
    "del-map",
    "deny",
    "redirect",
    "replace-header",
    "replace-value",
    "return",
    "send-spoe-group",
    "set-header",
    "set-log-level",
    "set-map",
    "set-nice",
    "set-status",
    "strict-mode",
    "wait-for-body",
  ]),
  "http-after-response": new Set([
    "add-header",
    "allow",
    "del-header",
    "replace-header",
    "replace-value",
    "set-header",
    "set-status",
    "set-var",
    "set-var-fmt",
    "strict-mode",
    "unset-var",
  ]),
  "tcp-request connection": new Set([
    ...TRACKING,
    ...ADDRESSING,
    "accept",
    "expect-netscaler-cip",
    "expect-proxy",
    "reject",
  ]),
  "tcp-request content": new Set([
    ...TRACKING,
    ...ADDRESSING,
    "accept",
    "capture",
    "do-resolve",
    "reject",
    "send-spoe-group",
    "set-log-level",
    "set-nice",
    "set-priority-class",
    "set-priority-offset",
    "switch-mode",
    "use-service",
  ]),
  "tcp-request session": new Set([...TRACKING, ...ADDRESSING, "accept", "reject"]),
};

/** HAProxy's own services for `use-service` (besides `lua.*`). */
const NATIVE_SERVICES: ReadonlySet<string> = new Set(["prometheus-exporter"]);

/** The action keywords `family` accepts, sorted, for editors and messages. */
export function actionKeywords(family: ActionFamily): string[] {
  return [...FAMILIES[family]].sort();
}

/**
 * Problems with one action string of `family` (without its condition).
 * Empty when the action is one HAProxy 2.6 documents for that rule set,
 * with arguments of the documented shape, and everything it names is
 * allowed on this host.
 */
export function actionProblems(
  family: ActionFamily,
  action: string,
  ctx: ConfineContext,
): string[] {
  const split = splitWords(action);
  if (!split.ok) return [split.message];
  return actionWordProblems(family, split.words, ctx);
}

/** {@link actionProblems} for an action already split into words. */
export function actionWordProblems(
  family: ActionFamily,
  words: string[],
  ctx: ConfineContext,
): string[] {
  const [head, ...args] = words;
  if (!head) return [`a ${family} rule needs an action`];
  if (head === "if" || head === "unless") {
    return [`a ${family} rule needs an action before its condition`];
  }
  if (head.startsWith("lua.")) {
    const name = head.slice(4).replace(/\(.*$/, "");
    const p = luaProblem(name, ctx);
    return p ? [`${family} action: ${p}`] : args.flatMap((a) => sampleProblems(a, ctx));
  }
  const m = /^([a-z0-9-]+)(?:\((.*)\))?$/.exec(head);
  const keyword = m?.[1] ?? head;
  const spec = SPECS[keyword];
  if (!m || !spec || !FAMILIES[family].has(keyword)) {
    return [
      `unknown ${family} action '${head}' (HAProxy 2.6 documents: ${
        actionKeywords(family).join(", ")
      })`,
    ];
  }
  const at = `${family} ${keyword}`;
  const problems = parenProblems(at, spec.paren, m[2], ctx);
  problems.push(...argumentProblems(at, spec, args, ctx));
  if (keyword === "use-service" && args[0]) {
    const service = args[0];
    if (service.startsWith("lua.")) {
      const p = luaProblem(service.slice(4), ctx);
      if (p) problems.push(`${at}: ${p}`);
    } else if (!NATIVE_SERVICES.has(service)) {
      problems.push(`${at}: unknown service '${service}' (HAProxy's own: prometheus-exporter)`);
    } else if (family !== "http-request") {
      problems.push(`${at}: '${service}' is available on http-request rules only`);
    }
  }
  return problems;
}

const VAR_NAME = /^(proc|sess|txn|req|res)\.[A-Za-z0-9._]+$/;
const INT = /^\d+$/;

function parenProblems(
  at: string,
  paren: Paren | undefined,
  inner: string | undefined,
  ctx: ConfineContext,
): string[] {
  if (!paren) {
    return inner === undefined ? [] : [`${at}: takes no argument in parentheses`];
  }
  if (inner === undefined || inner === "") return [`${at}: needs its argument in parentheses`];
  const parts = inner.split(",");
  switch (paren) {
    case "file": {
      const p = ctx.confinement.problem(inner, "file");
      return p ? [`${at}: ${p}`] : [];
    }
    case "var":
      return VAR_NAME.test(inner) ? [] : [`${at}: '${inner}' is not a variable name (txn.x)`];
    case "var-cond":
      return VAR_NAME.test(parts[0])
        ? []
        : [`${at}: '${parts[0]}' is not a variable name (proc|sess|txn|req|res.name)`];
    case "sc":
      return /^[0-2]$/.test(inner) ? [] : [`${at}: the sticky counter must be 0, 1 or 2`];
    case "idx-sc":
      return parts.length === 2 && INT.test(parts[0]) && /^[0-2]$/.test(parts[1])
        ? []
        : [`${at}: needs (<idx>,<sc-id>) with sc-id 0, 1 or 2`];
    case "resolve":
      return parts.length >= 2 && VAR_NAME.test(parts[0])
        ? []
        : [`${at}: needs (<var>,<resolvers>[,ipv4|ipv6])`];
  }
}

function argumentProblems(
  at: string,
  spec: ActionSpec,
  args: string[],
  ctx: ConfineContext,
): string[] {
  const problems: string[] = [];
  const required = spec.args ?? [];
  const optional = [...(spec.optional ?? [])];
  const options = spec.options ?? {};
  const seen = new Set<string>();
  let i = 0;
  for (const kind of required) {
    const value = args[i++];
    if (value === undefined) {
      problems.push(`${at}: needs ${required.length} argument(s)`);
      return problems;
    }
    problems.push(...valueProblems(at, kind, value, ctx));
  }
  while (i < args.length) {
    const word = args[i++];
    const values = Object.hasOwn(options, word) ? options[word] : undefined;
    if (values) {
      if (seen.has(word) && !spec.repeat?.includes(word)) {
        problems.push(`${at}: '${word}' given twice`);
      }
      seen.add(word);
      for (const kind of values) {
        const value = args[i++];
        if (value === undefined) {
          problems.push(`${at}: '${word}' needs a value`);
          return problems;
        }
        problems.push(...valueProblems(`${at} ${word}`, kind, value, ctx));
      }
    } else if (optional.length) {
      problems.push(...valueProblems(at, optional.shift()!, word, ctx));
    } else {
      problems.push(`${at}: unexpected argument '${word}'`);
      return problems;
    }
  }
  if (spec.oneOf && spec.oneOf.filter((o) => seen.has(o)).length !== 1) {
    problems.push(`${at}: needs exactly one of ${spec.oneOf.join(", ")}`);
  }
  return problems;
}

function valueProblems(at: string, kind: Kind, value: string, ctx: ConfineContext): string[] {
  const bad = (what: string) => [`${at}: '${value}' is not ${what}`];
  if (typeof kind !== "string") {
    return kind.includes(value) ? [] : bad(`one of ${kind.join(", ")}`);
  }
  switch (kind) {
    case "fmt":
      return formatProblems(value, ctx).map((p) => `${at}: ${p}`);
    case "expr":
      return sampleProblems(value, ctx).map((p) => `${at}: ${p}`);
    case "file": {
      const p = ctx.confinement.problem(value, "file");
      return p ? [`${at}: ${p}`] : [];
    }
    case "status":
      return /^[1-5]\d\d$/.test(value) ? [] : bad("an HTTP status");
    case "int":
      return /^-?\d+$/.test(value) ? [] : bad("an integer");
    case "time":
      return /^\d+(us|ms|s|m|h|d)?$/.test(value) ? [] : bad("a time such as 500ms");
    case "text":
      return [];
  }
}
