/**
 * Identifier patterns shared by the schema and by routes that take names in
 * their path. HAProxy proxy and server names allow letters, digits, `-`, `_`,
 * `.` and `:`; we accept exactly that, so a name can never smuggle a space,
 * `;` or newline into a config line or a runtime command.
 *
 * @module
 */
import { z } from "zod";

/**
 * The Zod schema types of the exports below, named here so `deno doc` links
 * to Zod rather than asking this package to document Zod's types.
 *
 * @internal
 */
type StringSchema = z.ZodString;
/** @internal */
type NumberSchema = z.ZodNumber;
/** @internal */
type DurationSchema = z.ZodUnion<readonly [z.ZodNumber, z.ZodString]>;

/** Pattern for proxy, server, ACL, table and other HAProxy identifiers. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;

/** Zod schema for an HAProxy identifier. */
export const Name: StringSchema = z.string().regex(
  NAME_PATTERN,
  "must match [A-Za-z0-9][A-Za-z0-9._:-]{0,62}",
);

/**
 * A free-form HAProxy argument (a log format, a header value, a path): one
 * line, no NUL. Quoting is the author's; the renderer never splits it.
 */
export const Arg: StringSchema = z.string().min(1).max(4096).regex(
  /^[^\r\n\0]*$/,
  "must be a single line",
);

/** An HAProxy time value: a number with an optional unit (us, ms, s, m, h, d). */
export const Duration: DurationSchema = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+(us|ms|s|m|h|d)?$/, "must be a time such as 5s, 500ms or 30000"),
]);

/** A TCP port. */
export const Port: NumberSchema = z.number().int().min(1).max(65535);

/** `host:port` where host is IPv4, `[IPv6]`, `*` or a DNS name. */
export const HostPort: StringSchema = z.string().regex(
  /^(\*|[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/,
  "must be host:port (IPv6 as [addr]:port)",
);

/** Whether `name` is a valid identifier, for path parameters. */
export function isName(name: string): boolean {
  return NAME_PATTERN.test(name);
}
