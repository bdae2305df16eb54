/**
 * Reading posted form values into state values: blank means "unset" (the
 * schema's default applies), anything that is not the expected shape is
 * passed on as text so validation refuses it at its field instead of the
 * form silently dropping it.
 *
 * @module
 */
import type { Entity } from "../edit_flow.ts";

/** Reads an integer field: blank is "unset", digits a number, anything else stays text for Zod to refuse. */
export function intField(v: string | null): number | string | undefined {
  if (v === null || v.trim() === "") return undefined;
  return /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
}

/** Reads a duration (`2s`, `500ms`, `3000`): blank is unset, bare digits are milliseconds as a number. */
export function durationField(v: string | null): number | string | undefined {
  if (v === null || v.trim() === "") return undefined;
  return /^\d+$/.test(v.trim()) ? Number(v.trim()) : v.trim();
}

/** Reads a text field: trimmed, blank is unset. */
export function textField(v: string | null): string | undefined {
  const t = (v ?? "").trim();
  return t === "" ? undefined : t;
}

/** Reads a checkbox posted with a hidden `0` before it: the last value wins. */
export function boolField(form: URLSearchParams, name: string): boolean {
  const all = form.getAll(name);
  return all.length > 0 && all[all.length - 1] === "1";
}

/** Sets `key` to `value`, or removes it when the value is unset, so the schema default applies. */
export function setOrDelete(target: Entity, key: string, value: unknown): void {
  if (value === undefined || value === "") delete target[key];
  else target[key] = value;
}

/** Shows a state value in a text input (numbers as digits, unset as blank). */
export function shown(v: unknown): string {
  return v === undefined || v === null ? "" : String(v);
}
