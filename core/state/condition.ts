/**
 * Reads the ACL names out of an HAProxy condition, so a condition that names
 * an ACL nobody declared is caught as a 422 with its path instead of as an
 * `haproxy -c` failure.
 *
 * @module
 */

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
