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
 * states), for which equal JSON text means equal value. One more kind of
 * input is recognised without reading it: a backend object this memo handed
 * out itself. `PATCH /api/state` (state/patch.ts) builds the next state by
 * copying only what the patch reaches, so every other backend is the live
 * state's own frozen object; validating it again would give the same value
 * (the schema maps its outputs to themselves), so it is returned as is, and
 * a patch touching one backend of 10,000 parses and serializes one backend.
 *
 * Memory: a backend's JSON text (the lookup key) and the text `jsonOf`
 * serves are one string when they are equal, which they are for a state
 * read from `GET /api/state` and sent back.
 *
 * @module
 */
import { z } from "zod";
import { Backend, type BackendModel } from "./haproxy_schema.ts";

interface Entry {
  /** The JSON text of the input it was validated from (the lookup key). */
  key: string;
  value: BackendModel;
  /** The validation that last used it. */
  generation: number;
  /** `JSON.stringify(value)`, once asked for; the key itself when equal. */
  text: string | null;
}

/** Remembers validated backends for as long as the validations use them. */
export class BackendMemo {
  readonly #backend: z.ZodType<BackendModel>;
  #entries = new Map<string, Entry>();
  #generation = 0;
  /** Backends this memo handed out (deep-frozen) → their entry. */
  #known = new WeakMap<object, Entry>();
  #parses = 0;

  /**
   * `backend` is the schema it stands in for: {@link Backend}, or the one
   * with the plugins' server fields (entity_fields.ts) the state schema uses.
   */
  constructor(backend: z.ZodType<BackendModel> = Backend) {
    this.#backend = backend;
  }

  /**
   * The backend schema to compose into the state schema in place of
   * the one given at construction: same verdicts and issues (with the same paths), same
   * output, remembered. Not for JSON Schema export (its input is `unknown`).
   */
  readonly schema: z.ZodType<BackendModel> = z.unknown().transform((raw, ctx) =>
    this.#one(raw, ctx, null)
  );

  /**
   * `z.array(schema)` as one loop: same verdicts, issues (paths from the
   * element's index on) and output, without Zod's work per element, which
   * at 10,000 backends costs more than the lookups themselves.
   */
  readonly arraySchema: z.ZodType<BackendModel[]> = z.unknown().transform((raw, ctx) => {
    if (!Array.isArray(raw)) {
      // Zod's own verdict on what is not an array (its issue, verbatim).
      const parsed = z.array(this.schema).safeParse(raw);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) {
        ctx.issues.push(issue as (typeof ctx.issues)[number]);
      }
      return z.NEVER;
    }
    const out: BackendModel[] = new Array(raw.length);
    let failed = false;
    for (let i = 0; i < raw.length; i++) {
      const value = this.#one(raw[i], ctx, i);
      if (value === z.NEVER) failed = true;
      else out[i] = value;
    }
    return failed ? z.NEVER : out;
  });

  /** One backend: one of ours as is, a remembered text's value, or validated now. */
  #one(raw: unknown, ctx: z.RefinementCtx, index: number | null): BackendModel {
    if (raw === null || typeof raw !== "object") return this.#parse(raw, ctx, index);
    const mine = this.#known.get(raw);
    if (mine) {
      // One of ours, untouched (frozen): valid, and its own validated value.
      mine.generation = this.#generation;
      if (!this.#entries.has(mine.key)) this.#entries.set(mine.key, mine);
      return mine.value;
    }
    const key = JSON.stringify(raw);
    const hit = this.#entries.get(key);
    if (hit) {
      hit.generation = this.#generation;
      return hit.value;
    }
    const value = this.#parse(raw, ctx, index);
    if (value !== z.NEVER) {
      const entry = { key, value: deepFreeze(value), generation: this.#generation, text: null };
      this.#entries.set(key, entry);
      this.#known.set(value, entry);
    }
    return value;
  }

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
    const entry = this.#known.get(backend);
    if (entry?.text) return entry.text;
    const text = JSON.stringify(backend);
    if (entry) entry.text = text === entry.key ? entry.key : text;
    return entry?.text ?? text;
  }

  /** How many backends are remembered (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  /** How many backends this memo has run the schema on so far (for tests and the bench). */
  get parses(): number {
    return this.#parses;
  }

  #parse(raw: unknown, ctx: z.RefinementCtx, index: number | null): BackendModel {
    this.#parses++;
    const parsed = this.#backend.safeParse(raw);
    if (parsed.success) return parsed.data;
    // Zod's own issues, verbatim; the enclosing objects (and array, for `schema`) prefix
    // their paths, `arraySchema` the element's index.
    for (const issue of parsed.error.issues) {
      const placed = index === null ? issue : { ...issue, path: [index, ...issue.path] };
      ctx.issues.push(placed as (typeof ctx.issues)[number]);
    }
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
