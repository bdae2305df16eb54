/**
 * Role ordering: viewer < operator < admin. One place decides whether a
 * role covers another, so guards, token scoping and user management agree.
 *
 * @module
 */
import type { Role } from "../plugin.ts";

/** Every role, lowest first. */
export const ROLES: readonly Role[] = ["viewer", "operator", "admin"];

/** Whether `have` grants at least what `need` asks. */
export function covers(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** The lower of two roles (a token is capped by its creator's current role). */
export function lowerOf(a: Role, b: Role): Role {
  return covers(a, b) ? b : a;
}

/** Narrows a string to a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
