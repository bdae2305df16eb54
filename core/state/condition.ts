/**
 * Reads the ACL names out of an HAProxy condition, so a condition that names
 * an ACL nobody declared is caught as a 422 with its path instead of as an
 * `haproxy -c` failure; and checks a condition's anonymous ACLs
 * (`{ criterion [flags] patterns }`) the way a named ACL is checked: a
 * pattern file (`-f`) must be inside the data directory, and the criterion
 * may not use `lua.*`, `env()` or a map file outside it.
 *
 * @module
 */
import { splitWords } from "./words.ts";
import { type ConfineContext, sampleProblems } from "./samples.ts";

/** ACLs HAProxy predefines; conditions may use them without declaring them. */
export const PREDEFINED_ACLS: ReadonlySet<string> = new Set([
  "FALSE",
  "TRUE",
  "HTTP",
  "HTTP_1.0",
  "HTTP_1.1",
  "HTTP_2.0",
  "HTTP_CONTENT",
  "HTTP_URL_ABS",
  "HTTP_URL_SLASH",
  "HTTP_URL_STAR",
  "LOCALHOST",
  "METH_CONNECT",
  "METH_DELETE",
  "METH_GET",
  "METH_HEAD",
  "METH_OPTIONS",
  "METH_POST",
  "METH_PUT",
  "METH_TRACE",
  "RDP_COOKIE",
  "REQ_CONTENT",
  "WAIT_END",
]);

/**
 * The named ACLs a condition refers to, in order. Anonymous ACLs in braces
 * (`{ path_beg /api }`) and the operators `!`, `||` and `or` are skipped.
 */
export function aclNamesIn(condition: string): string[] {
  const names: string[] = [];
  let depth = 0;
  const tokens = condition.trim().split(/\s+/).slice(1);
  for (const raw of tokens) {
    if (raw === "{") {
      depth++;
      continue;
    }
    if (raw === "}") {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0 || raw === "||" || raw === "or") continue;
    const name = raw.replace(/^!+/, "");
    if (name) names.push(name);
  }
  return names;
}

/** ACL flags that take a value (the next word). */
const VALUE_FLAGS = new Set(["-f", "-m"]);
/** ACL flags HAProxy 2.6 documents (section 7.1): `-i -f -m -n -M -u --`. */
const ACL_FLAGS = new Set(["-i", "-f", "-m", "-n", "-M", "-u", "--"]);

/**
 * Problems with one ACL's criterion, flags and patterns as HAProxy reads
 * them (`acl` lines and anonymous ACLs): unknown flags, `-f` files outside
 * the data directory, and the criterion's `lua.*`, `env()` or map files.
 * Patterns are literal and not looked at.
 */
export function aclTermProblems(words: string[], ctx: ConfineContext): string[] {
  const [criterion, ...rest] = words;
  if (!criterion) return ["an ACL needs a criterion (a sample fetch)"];
  return [...sampleProblems(criterion, ctx), ...aclFlagProblems(rest, ctx)];
}

/** The flag part of {@link aclTermProblems}: the words after the criterion. */
export function aclFlagProblems(rest: string[], ctx: ConfineContext): string[] {
  const problems: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    if (!w.startsWith("-") || w === "--") break;
    if (!ACL_FLAGS.has(w)) {
      problems.push(`unknown ACL flag '${w}' (HAProxy 2.6 knows ${[...ACL_FLAGS].join(" ")})`);
      break;
    }
    if (!VALUE_FLAGS.has(w)) continue;
    const value = rest[++i];
    if (value === undefined) {
      problems.push(`ACL flag '${w}' needs a value`);
    } else if (w === "-f") {
      const p = ctx.confinement.problem(value, "file");
      if (p) problems.push(`ACL pattern file (-f): ${p}`);
    }
  }
  return problems;
}

/**
 * Problems with a condition (`if|unless` terms), beyond the named ACLs
 * {@link aclNamesIn} reads: its words must split cleanly (no `#`, no
 * environment variables), and every anonymous ACL must pass
 * {@link aclTermProblems}.
 */
export function conditionProblems(condition: string, ctx: ConfineContext): string[] {
  const split = splitWords(condition);
  if (!split.ok) return [split.message];
  return conditionWordProblems(split.words, ctx);
}

/** {@link conditionProblems} for a condition already split into words (`if` or `unless` first). */
export function conditionWordProblems(words: string[], ctx: ConfineContext): string[] {
  const [head, ...terms] = words;
  if (head !== "if" && head !== "unless") return ["a condition starts with 'if' or 'unless'"];
  const problems: string[] = [];
  let inner: string[] | null = null;
  for (const w of terms) {
    if (inner) {
      if (w === "}") {
        problems.push(...aclTermProblems(inner, ctx));
        inner = null;
      } else inner.push(w);
    } else if (w === "{") inner = [];
  }
  if (inner) problems.push("an anonymous ACL's '{' is not closed");
  return problems;
}
