/**
 * What an uploaded error page must be: a whole HTTP/1.x response, as
 * HAProxy's `errorfile` sends it unchanged: a status line with the page's
 * own code, header lines, a blank line, then the body (whose length matches
 * `content-length` when it is given). Refused here with a 422 naming the
 * problem, so the next apply does not fail on it.
 *
 * @module
 */

/** The most bytes an uploaded page may have (HAProxy keeps it in one buffer). */
export const ERROR_PAGE_MAX_BYTES = 32 * 1024;

const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[ \t]*[^\r\n\0]*$/;

/** The problems of a page for `code`, empty when HAProxy can serve it. */
export function errorPageProblems(code: number, bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes);
  const split = /\r?\n\r?\n/.exec(text);
  if (!split) return ["no blank line ends the headers: it must be a whole HTTP response"];
  const head = text.slice(0, split.index).split(/\r?\n/);
  const problems: string[] = [];
  const status = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n\0]*)?$/.exec(head[0]);
  if (!status) problems.push(`the first line must be a status line such as "HTTP/1.1 ${code} ..."`);
  else if (Number(status[1]) !== code) {
    problems.push(`the status line says ${status[1]}, but the page is for ${code}`);
  }
  head.slice(1).forEach((line, i) => {
    if (!HEADER.test(line)) problems.push(`header line ${i + 2} is not "name: value"`);
  });
  const length = head.slice(1).find((l) => /^content-length:/i.test(l));
  if (length) {
    const declared = Number(length.slice(length.indexOf(":") + 1).trim());
    const bodyStart = new TextEncoder().encode(text.slice(0, split.index + split[0].length)).length;
    const actual = bytes.length - bodyStart;
    if (declared !== actual) {
      problems.push(`content-length says ${declared} bytes, the body has ${actual}`);
    }
  }
  return problems;
}
