/**
 * The action table: every \`http-request\`, \`http-response\`,
 * \`http-after-response\` and \`tcp-request\` action keyword HAProxy 2.6
 * documents (configuration.txt section 4.2, the list at the top of each
 * entry and the entry's synopsis), with the shape of its arguments. Data
 * only; actions.ts checks an action string against it.
 *
 * @module
 */
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
export type Kind = "fmt" | "expr" | "file" | "status" | "int" | "time" | "text" | readonly string[];

/** What may sit between the parentheses of an action keyword such as `set-var(txn.x)`. */
export type Paren = "file" | "var" | "var-cond" | "sc" | "idx-sc" | "resolve";

/** The argument shape of one action keyword. */
export interface ActionSpec {
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
export const SPECS: Readonly<Record<string, ActionSpec>> = {
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
export const FAMILIES: Readonly<Record<ActionFamily, ReadonlySet<string>>> = {
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
    "capture",
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
export const NATIVE_SERVICES: ReadonlySet<string> = new Set(["prometheus-exporter"]);
