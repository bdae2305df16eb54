/**
 * Reading the console's answer per command, so the audit can tell a command
 * HAProxy refused from one it ran. HAProxy answers a `;`-separated line on a
 * non-interactive connection command by command, each reply followed by an
 * empty line; a refusal ("Permission denied", "Unknown command", a command
 * restricted to expert mode) still arrives on a working socket, so without
 * looking at the words the audit would call it a success.
 *
 * @module
 */

/** What HAProxy answers when it will not run a command (optionally behind `[N]: ` severity). */
const REFUSED =
  /^(\[\d\]: )?(Permission denied|Unknown command|This command is restricted to (expert|experimental) mode only)/;

/**
 * Splits a non-interactive answer into one reply per command: each reply is
 * either empty or lines ending in "\n", followed by one empty line. A reply
 * that itself holds an empty line splits in two, so callers compare the
 * count with the commands they sent before trusting the split.
 */
export function splitReplies(output: string): string[] {
  const replies: string[] = [];
  let at = 0;
  while (at < output.length) {
    if (output[at] === "\n") {
      replies.push("");
      at += 1;
      continue;
    }
    const end = output.indexOf("\n\n", at);
    if (end < 0) {
      replies.push(output.slice(at));
      break;
    }
    replies.push(output.slice(at, end + 1));
    at = end + 2;
  }
  return replies;
}

/** HAProxy's refusal at the start of one reply (its first line), or null. */
export function refusalOf(reply: string): string | null {
  const first = reply.trimStart().split("\n", 1)[0].trimEnd();
  return REFUSED.test(first) ? first : null;
}

/**
 * Each command's refusal (or null), given the answer to the whole line and
 * how many commands preceded the caller's (the level-lowering one). When the
 * replies cannot be told apart (a reply with an empty line of its own), any
 * refusal in the answer is charged to every command of the line: an audit
 * that says "failure" too often is safer than one that hides a refusal.
 */
export function refusalsPerCommand(
  output: string,
  commands: number,
  hidden: number,
): (string | null)[] {
  const replies = splitReplies(output);
  if (replies.length === commands + hidden) {
    return replies.slice(hidden).map(refusalOf);
  }
  const any = output.split("\n").map(refusalOf).find((r) => r !== null) ?? null;
  return Array.from({ length: commands }, () => any);
}
