/**
 * `http-request`, `http-response` and `tcp-request` actions are parsed, not
 * trusted: each action keyword HAProxy 2.6 documents (configuration.txt,
 * section 4.2) is listed in action_table.ts with the shape of its arguments,
 * and an action string from the state must match one. Arguments that name a file
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
import {
  type ActionFamily,
  type ActionSpec,
  FAMILIES,
  type Kind,
  NATIVE_SERVICES,
  type Paren,
  SPECS,
} from "./action_table.ts";

/** The rule sets an action belongs to (re-exported from the table). */
export type { ActionFamily };

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
