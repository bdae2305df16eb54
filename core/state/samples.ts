/**
 * Checks sample expressions (`req.hdr(host),lower,map_str(/x.map)`) and
 * log-format strings (`%[src] %[lua.x]`) for the things in them that
 * reach beyond the request: a map file (the `map*` converters read it) or a
 * certificate (`jwt_verify`'s key may be one), a
 * Lua fetch or converter (`lua.*`, code that only an enabled Lua plugin may
 * supply), and the `env()` fetch (the HAProxy process's environment, which
 * it inherited from the daemon). Everything else in an expression is
 * HAProxy's to judge with `haproxy -c`.
 *
 * @module
 */
import type { Confinement } from "./confine.ts";

/** What checks of actions, conditions and directives need to know about the host. */
export interface ConfineContext {
  /** Where file and socket paths may point. */
  confinement: Confinement;
  /**
   * The `lua.<name>` actions, services, fetches and converters that enabled
   * Lua plugins register (bare names, without `lua.`). Empty while no Lua
   * plugin exists, so every `lua.*` is refused.
   */
  luaNames: ReadonlySet<string>;
  /**
   * The names of the state's maps (`state.maps`), which a `map*()` converter
   * names as `@<name>` instead of a path; absent: no state map may be named.
   */
  maps?: ReadonlySet<string>;
}

/** A `map*()` converter's reference to a state map: `@<name>` (see `state.maps`). */
export const MAP_REF = /^@([A-Za-z0-9][A-Za-z0-9._:-]{0,62})$/;

/** Why `lua.<name>` may not be used, or null when an enabled Lua plugin registers it. */
export function luaProblem(name: string, ctx: ConfineContext): string | null {
  if (ctx.luaNames.has(name)) return null;
  const known = ctx.luaNames.size
    ? `registered: ${[...ctx.luaNames].map((n) => `lua.${n}`).join(", ")}`
    : "no Lua plugin is enabled";
  return `'lua.${name}' is not registered by an enabled Lua plugin (${known})`;
}

const CALL = /(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]*)\(/g;
const LUA = /(?<![A-Za-z0-9_.-])lua\.([A-Za-z0-9_.-]*)/g;
const MAP = /^map(_[a-z_]+)?$/;

/** Problems in one sample expression: map files outside the data dir, `lua.*`, `env()`. */
export function sampleProblems(expr: string, ctx: ConfineContext): string[] {
  const problems: string[] = [];
  for (const m of expr.matchAll(LUA)) {
    const p = luaProblem(m[1], ctx);
    if (p) problems.push(p);
  }
  for (const m of expr.matchAll(CALL)) {
    const name = m[1];
    if (name === "env") {
      problems.push("the env() fetch would expose HAProxy's environment (the daemon's)");
    } else if (MAP.test(name)) {
      const [file = ""] = callArgs(expr, (m.index ?? 0) + m[0].length);
      if (file.startsWith("@")) {
        const ref = MAP_REF.exec(file);
        if (!ref || !ctx.maps?.has(ref[1])) {
          problems.push(`'${name}' names map '${file}', which is not in state.maps`);
        }
        continue;
      }
      const p = ctx.confinement.problem(file, "file");
      if (p) problems.push(`map file of '${name}': ${p}`);
    } else if (name === "jwt_verify") {
      // The key is an HMAC secret or the path of a public certificate (loaded at start-up).
      const [, key = ""] = callArgs(expr, (m.index ?? 0) + m[0].length);
      const p = key.includes("/") ? ctx.confinement.problem(key, "tls") : null;
      if (p) problems.push(`certificate of 'jwt_verify': ${p}`);
    }
  }
  return problems;
}

/** The comma-separated arguments of a call whose `(` ends just before `start`, quotes removed. */
function callArgs(expr: string, start: number): string[] {
  const end = expr.indexOf(")", start);
  const inner = expr.slice(start, end < 0 ? expr.length : end);
  return inner.split(",").map((a) => a.trim().replace(/^(["'])(.*)\1$/, "$2"));
}

/**
 * The sample expressions of a log-format string: the text inside each
 * `%[…]` (or `%{flags}[…]`), brackets balanced.
 */
export function formatExpressions(fmt: string): string[] {
  const exprs: string[] = [];
  const open = /%(\{[^}]*\})?\[/g;
  for (const m of fmt.matchAll(open)) {
    const start = (m.index ?? 0) + m[0].length;
    let depth = 1;
    let i = start;
    for (; i < fmt.length && depth > 0; i++) {
      if (fmt[i] === "[") depth++;
      else if (fmt[i] === "]") depth--;
    }
    exprs.push(fmt.slice(start, depth === 0 ? i - 1 : i));
  }
  return exprs;
}

/** Problems in a log-format string: those of each of its `%[…]` expressions. */
export function formatProblems(fmt: string, ctx: ConfineContext): string[] {
  return formatExpressions(fmt).flatMap((e) => sampleProblems(e, ctx));
}
