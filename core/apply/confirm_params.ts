/**
 * The settings of commit-confirmed applies: config.yaml's `confirm:`
 * section (window bounds and default, guard defaults) and the query
 * parameters of one apply (`confirm=<duration>`, `supersede=true`, guard
 * overrides), checked against them with a 400 that says what is wrong.
 *
 * @module
 */
import { z } from "zod";
import { badRequest } from "../errors.ts";
import type { GuardSettings } from "./confirm_types.ts";
import { DEFAULT_GUARDS } from "./confirm_guards.ts";

const Guards = z.object({
  serversDown: z.boolean().default(DEFAULT_GUARDS.serversDown),
  maxErrorRisePct: z.number().min(0).max(100).default(DEFAULT_GUARDS.maxErrorRisePct),
  minRequests: z.number().int().min(1).max(1_000_000).default(DEFAULT_GUARDS.minRequests),
  rtimeFactor: z.number().min(0).max(1000).default(DEFAULT_GUARDS.rtimeFactor),
  rtimeFloorMs: z.number().int().min(0).max(600_000).default(DEFAULT_GUARDS.rtimeFloorMs),
}).strict();

/** config.yaml `confirm:`: bounds and default of a window, the guards' defaults. */
export const ConfirmConfig = z.object({
  /** The shortest window a request may ask for, ms (30 s). */
  minMs: z.number().int().min(100).default(30_000),
  /** The longest, ms (30 min). */
  maxMs: z.number().int().min(100).max(86_400_000).default(1_800_000),
  /** A bare `?confirm` (or `confirm=true`) asks for this, ms (5 min). */
  defaultMs: z.number().int().min(100).default(300_000),
  /** How much history before the apply the baseline covers, ms (the minute before). */
  baselineMs: z.number().int().min(100).max(3_600_000).default(60_000),
  guards: Guards.default(DEFAULT_GUARDS),
}).strict().refine((c) => c.minMs <= c.defaultMs && c.defaultMs <= c.maxMs, {
  message: "confirm: minMs ≤ defaultMs ≤ maxMs",
});

/** The parsed `confirm:` section. */
export type ConfirmConfig = z.output<typeof ConfirmConfig>;

/** What one apply asks of the window. */
export interface ConfirmRequest {
  /** Null: an ordinary apply, no window. */
  durationMs: number | null;
  supersede: boolean;
  guards: GuardSettings;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000 };

/** `90s`, `5m`, `1500ms`, `120` (seconds); null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})(ms|s|m|min)?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2] ?? "s"];
}

const NUMERIC_GUARDS = ["maxErrorRisePct", "minRequests", "rtimeFactor", "rtimeFloorMs"] as const;

/** Reads `confirm`, `supersede` and the guard overrides of one request (400 when malformed). */
export function confirmRequest(url: URL, config: ConfirmConfig): ConfirmRequest {
  const q = url.searchParams;
  const raw = q.get("confirm");
  let durationMs: number | null = null;
  if (raw !== null && raw !== "false") {
    durationMs = raw === "" || raw === "true" ? config.defaultMs : parseDuration(raw);
    if (durationMs === null) {
      throw badRequest(`confirm must be a duration like 90s, 5m or 1500ms, not '${raw}'`);
    }
    if (durationMs < config.minMs || durationMs > config.maxMs) {
      throw badRequest(
        `confirm must be between ${config.minMs / 1000}s and ${config.maxMs / 1000}s`,
      );
    }
  }
  const sup = q.get("supersede");
  if (sup !== null && sup !== "true" && sup !== "false") {
    throw badRequest("supersede must be true or false");
  }
  const guards: GuardSettings = { ...config.guards };
  for (const name of NUMERIC_GUARDS) {
    const v = q.get(name);
    if (v === null) continue;
    const parsed = Guards.shape[name].safeParse(Number(v));
    if (v === "" || !parsed.success) throw badRequest(`${name}: '${v}' is out of range`);
    guards[name] = parsed.data;
  }
  const sd = q.get("serversDown");
  if (sd !== null) {
    if (sd !== "true" && sd !== "false") throw badRequest("serversDown must be true or false");
    guards.serversDown = sd === "true";
  }
  return { durationMs, supersede: sup === "true", guards };
}
