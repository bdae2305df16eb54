/**
 * The persisted state document: `state.json`, written atomically, plus its
 * ETag. The ETag is a hash of the validated document's JSON, so two
 * identical documents share it whatever produced them.
 *
 * @module
 */
import {
  type PlacedFile,
  readTextOrNull,
  type StagedFile,
  stageFile,
  writeFileAtomic,
} from "../fsutil.ts";
import type { State } from "./schema.ts";
import { joinParts, type StateJsonParts, stateJsonParts } from "./state_json.ts";
import { stateDigest } from "./state_digest.ts";
import { encodeParts, type StateBytes } from "./state_bytes.ts";

/**
 * The ETag of a validated state document (quoted, as HTTP wants it) from the
 * digest of its compact JSON (state_digest.ts). Validation builds every
 * object in the schema's key order (the schema has no records and no
 * pass-through objects; a test holds it to that), so two documents that
 * differ only in key order get the same ETag, whatever produced them,
 * without a key-sorting serializer.
 */
function etagOfDigest(digest: string): string {
  return `"${digest.slice(0, 20)}"`;
}

const UTF8 = new TextEncoder();
const TEXT = new TextDecoder();

/**
 * Up to this many bytes the current state is also kept as text: a small
 * `GET /api/state` (the hot path of CI pipelines and scrapers) is cheaper
 * to answer from a string than from bytes. A larger state is kept once, as
 * its UTF-8 bytes (a 100,000-server document would otherwise sit in memory
 * twice, 17 MB as text and 17 MB as bytes).
 */
export const TEXT_KEPT_BELOW = 256 * 1024;

/**
 * A state serialized ahead of {@link StateStore.save}: the apply pipeline
 * prepares it while `haproxy -c` runs, so persisting after the reload is I/O
 * only.
 */
export interface PreparedState {
  state: State;
  etag: string;
  /** The digest of `body` (state_digest.ts), which the ETag and the snapshot id derive from. */
  digest: string;
  /** `body` in parts, one per backend, for the snapshot store's per-backend chunks. */
  parts: StateJsonParts;
  /**
   * Compact JSON, what `GET /api/state` and the apply response send; canonical
   * for a validated state (the schema fixes its key order), so the ETag and
   * snapshot ids hash it. Joined from `parts` when first read: the pipeline
   * needs only `bytes`, and a 100,000-server text is 12.6 MB.
   */
  readonly body: string;
  /**
   * What `state.json` holds, `body` and a newline, as UTF-8: laid out once
   * (while `haproxy -c` runs) for the file and for the apply's answer, with
   * the current state's bytes copied for the backends the two share
   * (state_bytes.ts).
   */
  bytes: Uint8Array<ArrayBuffer>;
  /** `bytes` with where each backend lies in them, for the state after this one. */
  layout: StateBytes;
}

/**
 * A state written beside `state.json`; `commit` puts it in place and makes
 * it current. `place` puts it in place on disk only, the current state
 * unchanged until the placed file's `adopt` (`undo` takes it back).
 */
export interface StagedState extends Omit<StagedFile, "place"> {
  place(): Promise<PlacedState>;
}

/** A state file in place on disk but not yet the store's current state. */
export interface PlacedState extends PlacedFile {
  /** Makes it the current state (and forgets the replaced file). */
  adopt(): Promise<void>;
}

/** Result of reading `state.json` at start-up. */
export type LoadedState =
  | { kind: "missing" }
  | { kind: "corrupt"; message: string }
  | { kind: "ok"; raw: unknown };

/**
 * Owns `state.json`: the last state HAProxy was confirmed to run.
 *
 * Core machinery, reachable from a `Daemon` for tests and embedders;
 * not part of the plugin API (hence `@internal`: `deno doc` does not list it).
 *
 * @internal
 */
export class StateStore {
  #state: State | null = null;
  #etag = "";
  /** The compact JSON as text; kept only for a state under {@link TEXT_KEPT_BELOW}. */
  #body: string | null = null;
  /** The compact JSON as UTF-8: the one copy every state keeps. */
  #bytes: Uint8Array<ArrayBuffer> | null = null;
  /** The compact JSON in parts (its strings are the memo's, shared, not copies). */
  #parts: StateJsonParts | null = null;
  /** `#bytes` with where each backend lies in them (null until first encoded). */
  #layout: StateBytes | null = null;
  /**
   * @param serialize the state's compact JSON in parts; the wiring passes one
   * that reuses the backend memo's texts, byte-identical to `JSON.stringify`.
   */
  constructor(
    readonly path: string,
    private serialize: (state: State) => StateJsonParts = (state) =>
      stateJsonParts(state, JSON.stringify),
  ) {}

  /** Reads the file without validating it (the caller validates with the composed schema). */
  async load(): Promise<LoadedState> {
    const text = await readTextOrNull(this.path);
    if (text === null) return { kind: "missing" };
    try {
      return { kind: "ok", raw: JSON.parse(text) };
    } catch (e) {
      return { kind: "corrupt", message: (e as Error).message };
    }
  }

  /** Adopts a validated state as current without writing it. */
  adopt(state: State): void {
    const parts = this.serialize(state);
    const layout = encodeParts(parts, "", null);
    this.#state = state;
    this.#parts = parts;
    this.#etag = etagOfDigest(stateDigest(parts));
    this.#keep(() => joinParts(parts), layout.bytes, layout);
  }

  /** Serializes a validated state for a later {@link save}. */
  prepare(state: State): PreparedState {
    // state.json holds exactly what GET /api/state sends (plus a newline): one serialization,
    // and the file's bytes are the document the ETag names. `jq . state.json` pretty-prints it.
    const parts = this.serialize(state);
    // One digest of the document serves the ETag and the snapshot id (snapshots.ts).
    const digest = stateDigest(parts);
    const layout = encodeParts(parts, "\n", this.#layout);
    let body: string | null = null;
    return {
      state,
      etag: etagOfDigest(digest),
      digest,
      parts,
      get body() {
        return body ??= joinParts(parts);
      },
      bytes: layout.bytes,
      layout,
    };
  }

  /** Persists and adopts a validated state (serialized now, or by {@link prepare}). */
  async save(state: State, prepared?: PreparedState): Promise<void> {
    const p = prepared?.state === state ? prepared : this.prepare(state);
    await writeFileAtomic(this.path, p.bytes, 0o600);
    this.#adoptPrepared(p);
  }

  /**
   * Writes a prepared state beside `state.json` without replacing it: the
   * apply pipeline stages it while HAProxy checks the config, then commits
   * it (rename, then adopt) only once the reload is confirmed, or discards it.
   * `whileSyncing` (which must not throw) runs while the file's fsync is in flight.
   */
  async stage(prepared: PreparedState, whileSyncing?: () => void): Promise<StagedState> {
    const file = await stageFile(this.path, prepared.bytes, 0o600, whileSyncing);
    return {
      commit: async () => {
        await file.commit();
        this.#adoptPrepared(prepared);
      },
      discard: () => file.discard(),
      place: async () => {
        const placed = await file.place();
        return {
          ...placed,
          adopt: async () => {
            this.#adoptPrepared(prepared);
            await placed.keep();
          },
        };
      },
    };
  }

  #adoptPrepared(p: PreparedState): void {
    this.#state = p.state;
    this.#parts = p.parts;
    this.#etag = p.etag;
    // The file's bytes without its final newline: the body, already encoded.
    this.#keep(() => p.body, p.bytes.subarray(0, p.bytes.length - 1), p.layout);
  }

  #keep(body: () => string, bytes: Uint8Array<ArrayBuffer>, layout: StateBytes): void {
    this.#bytes = bytes;
    // Offsets into `layout.bytes` hold in `bytes` too: it is the same buffer, newline aside.
    this.#layout = layout;
    this.#body = bytes.length < TEXT_KEPT_BELOW ? body() : null;
  }

  /**
   * The current state's compact JSON in parts (head, one text per backend,
   * tail), for a PUT body that is this text with some backends changed
   * (body_delta.ts). Null when not initialized.
   */
  parts(): StateJsonParts | null {
    return this.#state === null ? null : this.#parts;
  }

  /** The current state, or null when not initialized. */
  current(): State | null {
    return this.#state;
  }

  /**
   * The current state as compact JSON. For a small state the text kept
   * since the state changed; for a large one decoded from the bytes on each
   * call (answers use {@link answer}, which sends the bytes instead).
   */
  body(): string | null {
    if (this.#state === null) return null;
    if (this.#body !== null) return this.#body;
    return this.#bytes ? TEXT.decode(this.#bytes) : joinParts(this.serialize(this.#state));
  }

  /**
   * The current state's compact JSON as UTF-8, encoded once per state
   * change: the apply's answer and a large `GET` send it.
   */
  bodyBytes(): Uint8Array<ArrayBuffer> | null {
    if (this.#state === null) return null;
    this.#bytes ??= UTF8.encode(this.body()!);
    return this.#bytes;
  }

  /** What `GET /api/state` sends: the kept text of a small state, else its bytes. */
  answer(): string | Uint8Array<ArrayBuffer> | null {
    return this.#body ?? this.bodyBytes();
  }

  /** The current ETag ("" when not initialized). */
  etag(): string {
    return this.#etag;
  }
}
