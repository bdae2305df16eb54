/**
 * Snapshot texts stored a backend at a time.
 *
 * Every apply records a snapshot of the whole state. At 100,000 servers
 * that is 12.6 MB of JSON per apply, ~100 ms of SQLite writes, and a
 * database that grows by as much each time, though a PATCH of one weight
 * changes one backend's text of 10,000. A snapshot given in parts
 * (state_json.ts) is therefore stored as a manifest, the text around the
 * backends and each backend's digest in order, and each backend text once,
 * in `snapshot_chunks`, under its digest (state_digest.ts, remembered for
 * the frozen backends consecutive states share). Reading a snapshot puts
 * the text back together byte for byte, so a restore still reproduces the
 * document key for key.
 *
 * Chunks are shared between snapshots; {@link SnapshotChunks.sweep} deletes
 * the ones no snapshot names any more (after a prune, or a start-up that
 * dropped unconfirmed snapshots).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { backendDigest } from "../state/state_digest.ts";
import type { StateJsonParts } from "../state/state_json.ts";

/** The `layout` of a snapshot row whose `state` is a {@link Manifest}. */
export const CHUNKED = "chunked";

/** What a chunked snapshot row holds in place of the state's text. */
interface Manifest {
  head: string;
  /** The digests of the backends' texts, in document order. */
  chunks: string[];
  tail: string;
}

/** A snapshot's manifest and the chunks it needs that the store does not hold yet. */
export interface ChunkPlan {
  manifest: string;
  fresh: Map<string, string>;
}

/**
 * The chunk table of a snapshot database. Knows which digests it holds, so
 * an apply writes only the backends that changed.
 */
export class SnapshotChunks {
  readonly #db: DatabaseSync;
  #known = new Set<string>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#reload();
  }

  /** The manifest for `parts` and the chunks to insert with it. */
  plan(parts: StateJsonParts): ChunkPlan {
    const fresh = new Map<string, string>();
    const chunks = parts.backends.map((b) => {
      const digest = backendDigest(b.value, b.text);
      if (!this.#known.has(digest)) fresh.set(digest, b.text);
      return digest;
    });
    const manifest: Manifest = { head: parts.head, chunks, tail: parts.tail };
    return { manifest: JSON.stringify(manifest), fresh };
  }

  /** Inserts a plan's fresh chunks; call inside the transaction that writes its snapshot. */
  insert(plan: ChunkPlan): void {
    if (plan.fresh.size === 0) return;
    const put = this.#db.prepare(
      "INSERT INTO snapshot_chunks (hash, text) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING",
    );
    for (const [hash, text] of plan.fresh) put.run(hash, text);
  }

  /** Records a plan's chunks as held, once its transaction committed. */
  remember(plan: ChunkPlan): void {
    for (const hash of plan.fresh.keys()) this.#known.add(hash);
  }

  /** The state text a manifest stands for; throws when a chunk is missing. */
  assemble(manifestText: string): string {
    const m = JSON.parse(manifestText) as Manifest;
    const rows = this.#db.prepare(
      "SELECT hash, text FROM snapshot_chunks WHERE hash IN (SELECT value FROM json_each(?))",
    ).all(JSON.stringify(m.chunks)) as unknown as { hash: string; text: string }[];
    const texts = new Map(rows.map((r) => [r.hash, r.text]));
    let text = m.head;
    m.chunks.forEach((hash, i) => {
      const chunk = texts.get(hash);
      if (chunk === undefined) throw new Error(`snapshot chunk ${hash} is missing`);
      text += (i ? "," : "") + chunk;
    });
    return text + m.tail;
  }

  /** Deletes the chunks no snapshot names; returns how many went. */
  sweep(): number {
    const result = this.#db.prepare(
      `DELETE FROM snapshot_chunks WHERE hash NOT IN (
         SELECT j.value FROM snapshots s, json_each(s.state, '$.chunks') j
         WHERE s.layout = '${CHUNKED}')`,
    ).run();
    this.#reload();
    return Number(result.changes);
  }

  #reload(): void {
    const rows = this.#db.prepare("SELECT hash FROM snapshot_chunks").all() as unknown as {
      hash: string;
    }[];
    this.#known = new Set(rows.map((r) => r.hash));
  }
}
