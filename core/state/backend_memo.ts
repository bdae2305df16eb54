/**
 * Backend validation remembered between applies.
 *
 * CI pipelines apply the whole state each time ("read the state, modify it
 * locally, push it back"), so nearly every backend of an apply is byte for
 * byte one the previous apply validated. Validating a backend is a pure
 * function of its JSON value (the schema has constant defaults and no
 * context), so its result is looked up by the backend's JSON text: with
 * 1,000 backends × 10 servers that turns ~12 ms of Zod into ~1.5 ms of
 * `JSON.stringify`. Cross-reference checks are not memoized: they run over
 * the whole state every time.
 *
 * Remembered results are shared by consecutive states, so they are frozen:
 * the state is read-only for everyone (plugins included), and a stray write
 * fails loudly instead of corrupting the next apply's validation.
 *
 * Inputs are JSON documents (request bodies, snapshots, clones of validated
 * states), for which equal JSON text means equal value.
 *
 * @module
 */
import { z } from "zod";
import { Backend, type BackendModel } from "./haproxy_schema.ts";

interface Entry {
  value: BackendModel;
  /** The validation that last used it. */
  generation: number;
}

/** Remembers validated backends for as long as the validations use them. */
export class BackendMemo {
  #entries = new Map<string, Entry>();
  #generation = 0;
  /** Backends this memo handed out (deep-frozen) → their JSON text, once asked for. */
  #texts = new WeakMap<BackendModel, string | null>();

  /**
   * The backend schema to compose into the state schema in place of
   * {@link Backend}: same verdicts and issues (with the same paths), same
   * output, remembered. Not for JSON Schema export (its input is `unknown`).
   */
  readonly schema: z.ZodType<BackendModel> = z.unknown().transform((raw, ctx) => {
    if (raw === null || typeof raw !== "object") return this.#parse(raw, ctx);
    const key = JSON.stringify(raw);
    const hit = this.#entries.get(key);
    if (hit) {
      hit.generation = this.#generation;
      return hit.value;
    }
    const value = this.#parse(raw, ctx);
    if (value !== z.NEVER) {
      this.#entries.set(key, { value: deepFreeze(value), generation: this.#generation });
      this.#texts.set(value, null);
    }
    return value;
  });

  /**
   * Starts a validation: forgets what the previous two did not use, so the
   * memo holds at most the backends of the last two states validated.
   */
  begin(): void {
    this.#generation++;
    for (const [key, entry] of this.#entries) {
      if (entry.generation < this.#generation - 1) this.#entries.delete(key);
    }
  }

  /**
   * A backend's JSON text, as `JSON.stringify` writes it. Kept for the
   * backends this memo handed out: they are deep-frozen, so their text
   * cannot change, and consecutive states share them (see state_json.ts).
   */
  jsonOf(backend: BackendModel): string {
    const known = this.#texts.get(backend);
    if (known) return known;
    const text = JSON.stringify(backend);
    if (known === null) this.#texts.set(backend, text);
    return text;
  }

  /** How many backends are remembered (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  #parse(raw: unknown, ctx: z.RefinementCtx): BackendModel {
    const parsed = Backend.safeParse(raw);
    if (parsed.success) return parsed.data;
    // Zod's own issues, verbatim; the enclosing array and objects prefix their paths.
    for (const issue of parsed.error.issues) ctx.issues.push(issue as (typeof ctx.issues)[number]);
    return z.NEVER;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
