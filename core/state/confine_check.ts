/**
 * The validation stage that needs to know the host: it walks every field of
 * the state that reaches `haproxy.cfg` as an action, a condition, a path or
 * a raw line, and reports what actions.ts, condition.ts, confine.ts and
 * directives.ts refuse, each at its own path (e.g.
 * `["haproxy","frontends",0,"httpRequest",2,"action"]`), as the 422's Zod
 * issues. It runs before anything is rendered or checked, so a refused
 * state never reaches `haproxy -c` (which would load Lua).
 *
 * @module
 */
import type { RefIssue, State, StateCheck } from "./schema.ts";
import type { DataPaths } from "../paths.ts";
import { type ActionFamily, actionProblems } from "./actions.ts";
import { aclFlagProblems, conditionProblems, conditionWordProblems } from "./condition.ts";
import { Confinement } from "./confine.ts";
import { optionPathProblems, RAW_DISABLED, rawDirectiveProblems } from "./directives.ts";
import { type ConfineContext, formatProblems, sampleProblems } from "./samples.ts";
import { isDynamicBackend } from "./haproxy_schema.ts";
import { splitWords } from "./words.ts";
import { type BackendFact, backendsWith } from "./backend_facts.ts";

/**
 * What of a backend the check reads (options, stick-on, balance arguments,
 * raw directives): a backend with none of them has no problem whatever the
 * context, so only the others are visited.
 */
const CONFINED_FIELDS: BackendFact<readonly string[]> = {
  name: "fields the confinement check reads",
  compute: (b) =>
    b.options.length || b.stickOn || b.balance?.args.length || b.rawDirectives.length
      ? ["confined"]
      : [],
};

/** What the stage needs from the host. */
export interface ConfineOptions {
  /** The data layout: every path must resolve inside its directory. */
  paths: DataPaths;
  /** config.yaml `security.allowRawDirectives`: raw lines are refused unless true. */
  allowRawDirectives: boolean;
  /**
   * Names (without `lua.`) that enabled Lua plugins register, or how to find
   * them for the state being validated; none when absent.
   */
  luaNames?: ReadonlySet<string> | ((state: State) => ReadonlySet<string>);
  /** More files to keep out of reach, such as patchpanel's own HTTPS key pair. */
  reserved?: string[];
}

/** Builds the check from the host's settings; the composed schema runs it on every validation. */
export function confineCheck(opts: ConfineOptions): StateCheck {
  const confinement = new Confinement(opts.paths, opts.reserved ?? []);
  const names = opts.luaNames ?? new Set<string>();
  return (state) => {
    const luaNames = typeof names === "function" ? names(state) : names;
    const maps = new Set((state.maps ?? []).map((m) => m.name));
    return stateProblems(state, { confinement, luaNames, maps }, opts.allowRawDirectives);
  };
}

type Path = (string | number)[];

/** Every problem in `state`, with its path. */
export function stateProblems(state: State, ctx: ConfineContext, allowRaw: boolean): RefIssue[] {
  const issues: RefIssue[] = [];
  const add = (path: Path, messages: string[]) => {
    for (const message of messages) issues.push({ path, message });
  };
  const raw = (base: Path, lines: string[]) => {
    lines.forEach((line, i) => {
      add(
        [...base, "rawDirectives", i],
        allowRaw ? rawDirectiveProblems(line, ctx) : [RAW_DISABLED],
      );
    });
  };
  const options = (base: Path, list: string[]) => {
    list.forEach((o, i) => add([...base, "options", i], optionProblems(o)));
  };
  const cond = (path: Path, c: string | undefined) => {
    if (c) add(path, conditionProblems(c, ctx));
  };
  const hp = state.haproxy;
  const g: Path = ["haproxy", "global"];
  hp.global.logs.forEach((l, i) => {
    if (l.target.startsWith("/")) {
      const p = ctx.confinement.logProblem(l.target);
      if (p) add([...g, "logs", i, "target"], [`log target: ${p}`]);
    }
  });
  hp.global.statsSockets.forEach((s, i) => {
    if (s.kind !== "unix") return;
    const p = ctx.confinement.problem(s.path, "file");
    if (p) add([...g, "statsSockets", i, "path"], [`stats socket: ${p}`]);
  });
  raw(g, hp.global.rawDirectives);
  options(["haproxy", "defaults"], hp.defaults.options);
  raw(["haproxy", "defaults"], hp.defaults.rawDirectives);
  hp.frontends.forEach((f, fi) => {
    const base: Path = ["haproxy", "frontends", fi];
    f.binds.forEach((b, bi) =>
      add([...base, "binds", bi, "options"], bindProblems(b.options, ctx))
    );
    options(base, f.options);
    f.httpRequest.forEach((r, ri) => {
      add([...base, "httpRequest", ri, "action"], actionProblems("http-request", r.action, ctx));
      cond([...base, "httpRequest", ri, "cond"], r.cond);
    });
    f.tcpRequest.forEach((r, ri) => {
      const path: Path = [...base, "tcpRequest", ri, "action"];
      if (r.on === "inspect-delay") {
        if (!/^\d+(us|ms|s|m|h|d)?$/.test(r.action)) {
          add(path, [`tcp-request inspect-delay: '${r.action}' is not a time such as 5s`]);
        }
      } else {
        add(path, actionProblems(`tcp-request ${r.on}` as ActionFamily, r.action, ctx));
      }
      cond([...base, "tcpRequest", ri, "cond"], r.cond);
    });
    f.useBackends.forEach((u, ui) => {
      if (isDynamicBackend(u.backend)) {
        add([...base, "useBackends", ui, "backend"], formatProblems(u.backend, ctx));
      }
      cond([...base, "useBackends", ui, "cond"], u.cond);
    });
    raw(base, f.rawDirectives);
  });
  for (const bi of backendsWith(CONFINED_FIELDS, hp.backends)) {
    const b = hp.backends[bi];
    const base: Path = ["haproxy", "backends", bi];
    options(base, b.options);
    if (b.stickOn) add([...base, "stickOn"], stickOnProblems(b.stickOn, ctx));
    b.balance?.args.forEach((a, i) => add([...base, "balance", "args", i], wordsProblems(a)));
    raw(base, b.rawDirectives);
  }
  state.acls.forEach((a, ai) => {
    const base: Path = ["acls", ai];
    add([...base, "criterion"], sampleProblems(a.criterion, ctx));
    a.flags.forEach((f, i) => {
      if (/^-f\b/.test(f)) {
        add([...base, "flags", i], ["use file: true for a pattern file; '-f' is not allowed here"]);
      } else add([...base, "flags", i], aclFlagProblems(f.split(" "), ctx));
    });
    if (!a.file) {
      a.values.forEach((v, i) => {
        if (v.startsWith("-")) {
          add([...base, "values", i], [
            `a value starting with '-' would be read as an ACL flag (such as -f <file>)`,
          ]);
        } else add([...base, "values", i], wordsProblems(v));
      });
    }
  });
  return issues;
}

/** A free-form argument rendered into a line as is: it must split cleanly (no `#`, no `$VAR`). */
function wordsProblems(text: string): string[] {
  const split = splitWords(text);
  return split.ok ? [] : [split.message];
}

/** `stick on <pattern> [if <cond>]`: the pattern's samples and the condition's files. */
function stickOnProblems(text: string, ctx: ConfineContext): string[] {
  const split = splitWords(text);
  if (!split.ok) return [split.message];
  const at = split.words.findIndex((w) => w === "if" || w === "unless");
  const pattern = at < 0 ? split.words : split.words.slice(0, at);
  return [
    ...pattern.flatMap((w) => sampleProblems(w, ctx)),
    ...(at < 0 ? [] : conditionWordProblems(split.words.slice(at), ctx)),
  ];
}

/** A proxy `option`: one clean line, never `external-check`. */
function optionProblems(option: string): string[] {
  const split = splitWords(option);
  if (!split.ok) return [split.message];
  if (split.words.includes("external-check")) {
    return ["'option external-check' is never allowed: it runs an external program"];
  }
  return [];
}

/** A bind's options: clean words, TLS files inside the data directory. */
function bindProblems(options: string[], ctx: ConfineContext): string[] {
  const words: string[] = [];
  for (const o of options) {
    const split = splitWords(o);
    if (!split.ok) return [split.message];
    words.push(...split.words);
  }
  return optionPathProblems(words, ctx);
}
