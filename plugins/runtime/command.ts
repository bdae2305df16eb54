/**
 * Runtime API command lines built only from validated parts.
 *
 * HAProxy's CLI splits a line on spaces and runs `;`-separated commands one
 * after another, so a name or value carrying a space, `;`, a backslash, a
 * quote or a line break could turn one command into two. Every part of a
 * {@link Command} therefore passes a check before the line exists, and the
 * only way to make a `Command` is {@link command}: a handler cannot hand a
 * raw string to the socket by accident.
 *
 * @module
 */
import { badRequest } from "../../core/errors.ts";
import { isName } from "../../core/state/names.ts";

declare const brand: unique symbol;

/** A runtime command line whose every part was checked. */
export type Command = string & { readonly [brand]: "Command" };

/** One part of a command: a fixed keyword, an identifier, or a checked value. */
export type Part =
  | { kind: "word"; text: string }
  | { kind: "name"; text: string; what: string }
  | { kind: "server"; text: string; backend: string; server: string }
  | { kind: "value"; text: string; what: string };

/** A value HAProxy reads as one word: printable ASCII, no space, `;`, `\`, quote or `#`. */
export const VALUE_PATTERN = /^[!$-&(-:<-[\]-~]{1,1024}$/;

/** Fixed keywords of the command (`set server`, `state`), or a runtime ACL id `#<n>`. */
export function word(text: string): Part {
  return { kind: "word", text };
}

/** An HAProxy identifier (backend, server, frontend, table) from the request. */
export function name(text: string, what: string): Part {
  return { kind: "name", text, what };
}

/** A `backend/server` reference; both halves are identifiers. */
export function serverRef(backend: string, server: string): Part {
  return { kind: "server", text: `${backend}/${server}`, backend, server };
}

/** A value from the request (an ACL pattern, a table key, a number). */
export function value(text: string, what: string): Part {
  return { kind: "value", text, what };
}

/** Why a part is refused, or null when it is safe. */
export function refusal(part: Part): string | null {
  if (part.kind === "word") {
    return /^([a-z][a-z -]*[a-z]|#\d{1,9})$/.test(part.text) ? null : `bad keyword '${part.text}'`;
  }
  if (part.kind === "server") {
    return refusal(name(part.backend, "backend")) ?? refusal(name(part.server, "server"));
  }
  if (part.kind === "name") {
    return isName(part.text)
      ? null
      : `${part.what} must match [A-Za-z0-9][A-Za-z0-9._:-]{0,62} (no spaces, ';' or line breaks)`;
  }
  return VALUE_PATTERN.test(part.text)
    ? null
    : `${part.what} must be 1 to 1024 printable characters without spaces, ';', '\\', quotes, '#' or line breaks`;
}

/** Builds a command line; any unsafe part is a 400 and nothing is sent. */
export function command(...parts: Part[]): Command {
  for (const part of parts) {
    const why = refusal(part);
    if (why) throw badRequest(why);
  }
  return parts.map((p) => p.text).join(" ") as Command;
}

/** Checks a name from the path (400 before any lookup); returns it. */
export function checkName(text: string, what: string): string {
  const why = refusal(name(text, what));
  if (why) throw badRequest(why);
  return text;
}

/** Checks a value from the body (400 before any lookup); returns it. */
export function checkValue(text: string, what: string): string {
  const why = refusal(value(text, what));
  if (why) throw badRequest(why);
  return text;
}
