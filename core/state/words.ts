/**
 * Splits one HAProxy configuration line into its words the way HAProxy's
 * own parser does (blanks separate; `"…"`, `'…'` and `\` group), so a free-form
 * string from the state is checked word by word instead of trusted. It also
 * reports the two things that make a line mean more than it shows: an
 * unquoted `#` (the rest of the line, a rendered condition included, becomes
 * a comment) and `$NAME` inside double quotes (HAProxy expands environment
 * variables at parse time, which would let a state read the daemon's
 * environment).
 *
 * @module
 */

/** The words of a line, or why the line is refused. */
export type Words = { ok: true; words: string[] } | { ok: false; message: string };

/**
 * Splits `line` into words. Quotes are removed and escapes kept as written
 * (`\.` stays `\.`): the checks look at word boundaries and names, not at
 * the exact bytes HAProxy will use.
 */
export function splitWords(line: string): Words {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i + 1 < line.length) word += c + line[++i];
      else word += c;
      continue;
    }
    if (c === "#") {
      return {
        ok: false,
        message: "an unquoted '#' would turn the rest of the line into a comment",
      };
    }
    if (c === "'" || c === '"') {
      const end = closingQuote(line, i + 1, c);
      if (end < 0) return { ok: false, message: `unterminated ${c} quote` };
      const inner = line.slice(i + 1, end);
      if (c === '"' && expandsEnvironment(inner)) {
        return {
          ok: false,
          message: "'$' in double quotes expands an environment variable; write \\$ for a dollar",
        };
      }
      word += inner;
      i = end;
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}

function closingQuote(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    if (line[i] === "\\" && quote === '"') {
      i++;
      continue;
    }
    if (line[i] === quote) return i;
  }
  return -1;
}

/** Whether double-quoted text holds an unescaped `$NAME`, `${NAME}` or `$.PSEUDO`. */
function expandsEnvironment(inner: string): boolean {
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\") {
      i++;
      continue;
    }
    if (inner[i] === "$" && /[A-Za-z_{.]/.test(inner[i + 1] ?? "")) return true;
  }
  return false;
}
