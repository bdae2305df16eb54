/**
 * Brings the server-state file up to date for the backends a runtime apply
 * changed, without dumping and filtering every server again.
 *
 * The file is what a worker started later (a restart, a reload not made by
 * an apply) loads its servers' runtime state from. A runtime apply changes
 * a few servers and verifies that they then run what the new cfg declares,
 * with the overrides a reload would carry; their rows in the file must say
 * the same, or a restart would bring back an old address. The rows of every
 * touched backend are therefore replaced by what HAProxy reports for it now,
 * filtered as for a reload (server_state_filter.ts); the other rows stay as
 * the last apply wrote them. With 100,000 servers
 * this rewrites one file instead of parsing two 100,000-line cfgs.
 *
 * @module
 */
import { writeFileAtomic } from "../fsutil.ts";

/** The rows of a filtered dump's text (after its version and header lines), by backend. */
function eachRow(text: string, from: number, visit: (line: string, backend: string) => void) {
  let start = from;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === "" || line[0] === "#") continue;
    // A row is `<be_id> <be_name> ...`.
    const first = line.indexOf(" ");
    visit(line, line.slice(first + 1, line.indexOf(" ", first + 1)));
  }
}

/**
 * Replaces the rows of `backends` in the file at `path` with those of
 * `fresh` (a filtered dump's text holding them). False (nothing written)
 * when there is no file or the two headers differ: the caller then writes
 * the whole file afresh.
 */
export async function spliceServerState(
  path: string,
  backends: ReadonlySet<string>,
  fresh: string,
): Promise<boolean> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return false;
  }
  const headerEnd = fresh.indexOf("\n", fresh.indexOf("\n") + 1) + 1;
  const header = fresh.slice(0, headerEnd);
  if (headerEnd === 0 || !text.startsWith(header)) return false;
  const out: string[] = [header.slice(0, -1)];
  eachRow(text, header.length, (line, backend) => {
    if (!backends.has(backend)) out.push(line);
  });
  eachRow(fresh, header.length, (line, backend) => {
    if (backends.has(backend)) out.push(line);
  });
  await writeFileAtomic(path, out.join("\n") + "\n");
  return true;
}
