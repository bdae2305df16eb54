/**
 * State sync between nodes. The sender pushes its whole state after every
 * successful apply that did not itself come from a peer (so nothing echoes
 * back), in the background, retrying an unreachable or failing peer with a
 * doubling backoff (1 s to 60 s) until it answers or a newer push replaces
 * the attempt. Each push carries the sender's version (`x-peer-version`,
 * increasing) and the checksum of the state sent (`x-peer-checksum`); the
 * receiver refuses a version it has already seen from that token with 409
 * (stale or replayed), and answers a state it already runs without an
 * apply. The drift report compares the state checksums and the hashes of
 * the files each node's state names (a peer running the same state with an
 * older certificate file is drifted too), and measures clock skew.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Logger } from "../../core/log.ts";
import type { State } from "../../core/state/schema.ts";
import type { PeerClient } from "./client.ts";
import type { PeerRecord, Peers } from "./peers_store.ts";
import { stateChecksum } from "./checksum.ts";
import {
  fileSha256,
  manifestDigest,
  type StateFileRef,
  type StateFiles,
} from "../../core/state_files.ts";
import { BLOB_SHA_HEADER, blobPath, FILES_HEADER } from "./blobs.ts";
import type { PeerAlerts, PeerObservation } from "./alerts.ts";

/** The longest wait between two attempts at one peer, ms. */
export const MAX_BACKOFF_MS = 60_000;

/** The last version applied from each inbound token (replay protection). */
export class ReceivedVersions {
  constructor(private readonly db: DatabaseSync) {}

  /** The newest version seen from a token, or 0. */
  last(tokenId: string): number {
    const r = this.db.prepare("SELECT version FROM peers_received WHERE token_id = ?").get(
      tokenId,
    ) as { version: number } | undefined;
    return r ? Number(r.version) : 0;
  }

  /** Records a version as seen. */
  record(tokenId: string, version: number): void {
    this.db.prepare(
      `INSERT INTO peers_received (token_id, version) VALUES (?, ?)
       ON CONFLICT(token_id) DO UPDATE SET version = excluded.version`,
    ).run(tokenId, version);
  }
}

/** One push's outcome. */
export interface PushResult {
  peer: string;
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** One peer's line in the drift report. */
export interface DriftLine {
  id: string;
  name: string;
  url: string;
  status: "in-sync" | "drifted" | "unreachable";
  localChecksum: string;
  remoteChecksum: string | null;
  /** The digest of the files this node's state names, by their hashes (`manifestDigest`). */
  localFiles: string;
  /** The peer's digest of its files; null when unreachable or it did not say. */
  remoteFiles: string | null;
  /** `kind/id` of each file whose hash differs between the two nodes (or one lacks). */
  filesDiffer: string[];
  skewMs: number | null;
  error: string | null;
}

/** What `GET /api/peer/state-checksum` answers: the state's checksum and its files' hashes. */
export interface ChecksumReport {
  checksum: string;
  /** {@link manifestDigest} of `manifest`. */
  files: string;
  manifest: StateFileRef[];
}

/** This node's checksum report for `state`. */
export async function checksumReport(
  state: State,
  files: StateFiles | undefined,
): Promise<ChecksumReport> {
  const manifest = files ? await files.manifest(state) : [];
  return { checksum: stateChecksum(state), files: manifestDigest(manifest), manifest };
}

/** The `kind/id` of each file the two manifests hold in different versions (or one lacks). */
export function filesDiffer(ours: StateFileRef[], theirs: StateFileRef[]): string[] {
  const key = (f: StateFileRef) => `${f.kind}/${f.id}`;
  const a = new Map(ours.map((f) => [key(f), f.sha256]));
  const b = new Map(theirs.map((f) => [key(f), f.sha256]));
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

/** Pushes state to peers and reports drift. */
export class Sync {
  #version = 0;
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #generation = new Map<string, number>();
  #stopped = false;
  #latest: State | null = null;

  constructor(
    private readonly peers: Peers,
    private readonly client: PeerClient,
    private readonly state: () => State,
    private readonly log: Logger,
    private readonly files?: StateFiles,
    private readonly alerts?: PeerAlerts,
  ) {}

  /** A version greater than every earlier one, also across restarts (it starts at the clock). */
  nextVersion(): number {
    this.#version = Math.max(this.#version + 1, Date.now());
    return this.#version;
  }

  /** Pushes a state (by default the current one) to one peer now, once. */
  async pushOnce(peer: PeerRecord, state: State = this.state()): Promise<PushResult> {
    const r = await this.#push(peer, state);
    // No answer: unreachable. Any status is an answer, a refusal included: the peer's 422 or
    // 502 (its own apply failed) passes back to the caller and is not "did not answer".
    if (r.status === null) {
      this.alerts?.observe({ peer: peer.name, health: "unreachable", error: r.error ?? "" });
    } else this.alerts?.observe({ peer: peer.name, health: "answered" });
    return r;
  }

  async #push(peer: PeerRecord, state: State): Promise<PushResult> {
    try {
      const manifest = this.files ? await this.files.manifest(state) : [];
      const refused = await this.#sendFiles(peer, manifest);
      if (refused) return refused;
      const res = await this.client.call(peer, "POST", "/api/peer/state", JSON.stringify(state), {
        "content-type": "application/json",
        "x-peer-version": String(this.nextVersion()),
        "x-peer-checksum": stateChecksum(state),
        [FILES_HEADER]: JSON.stringify(manifest),
      });
      const ok = res.status >= 200 && res.status < 300;
      const error = ok ? null : (res.body as { error?: string })?.error ?? `HTTP ${res.status}`;
      return { peer: peer.id, ok, status: res.status, error };
    } catch (e) {
      return {
        peer: peer.id,
        ok: false,
        status: null,
        error: e instanceof Error ? e.message : String(e),
      };
    }
  }

  /**
   * Sends the peer every referenced file it lacks or holds in another
   * version (asking first, so unchanged files are not sent again). The
   * push's result when the peer refused one, else null.
   */
  async #sendFiles(peer: PeerRecord, manifest: StateFileRef[]): Promise<PushResult | null> {
    for (const f of manifest) {
      if (f.sha256 === null) continue; // this node lacks it too; the peer's check will name it
      const path = blobPath(f.kind, f.id);
      const held = await this.client.call(peer, "GET", path);
      if (held.status === 200 && (held.body as { sha256?: string })?.sha256 === f.sha256) continue;
      const bytes = await this.files!.source(f.kind)!.read(f.id);
      if (bytes === null) continue;
      const sent = await this.client.call(peer, "POST", path, bytes, {
        "content-type": "application/octet-stream",
        [BLOB_SHA_HEADER]: fileSha256(bytes),
      });
      if (sent.status < 200 || sent.status >= 300) {
        const error = (sent.body as { error?: string })?.error ?? `HTTP ${sent.status}`;
        return { peer: peer.id, ok: false, status: sent.status, error };
      }
    }
    return null;
  }

  /**
   * First contact with a newly added peer: pins an https peer's certificate
   * and checks the token. The error, when it fails; the peer stays added.
   */
  async probe(peer: PeerRecord): Promise<string | null> {
    try {
      const r = await this.client.call(peer, "GET", "/api/peer/clock");
      return r.status === 200 ? null : `the peer answered HTTP ${r.status}`;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /**
   * Schedules a push of `state` (the one an apply just stored: the
   * listener runs before the host's current state is swapped) to every
   * peer, in the background, each with its own retries.
   */
  pushAll(state: State): void {
    this.#latest = state;
    for (const peer of this.peers.list()) this.#schedule(peer.id, 0, 0);
  }

  #schedule(id: string, attempt: number, delayMs: number): void {
    if (this.#stopped) return;
    const gen = attempt === 0 ? (this.#generation.get(id) ?? 0) + 1 : this.#generation.get(id)!;
    this.#generation.set(id, gen);
    const old = this.#timers.get(id);
    if (old !== undefined) clearTimeout(old);
    const timer = setTimeout(async () => {
      this.#timers.delete(id);
      const peer = this.peers.get(id);
      if (!peer || this.#stopped) return;
      const r = await this.pushOnce(peer, this.#latest ?? this.state());
      if (r.ok || this.#generation.get(id) !== gen) return;
      // A refusal by the peer (4xx: invalid, stale) will not change by waiting; anything else retries.
      if (r.status !== null && r.status >= 400 && r.status < 500) {
        this.log.warn("peer refused the push", {
          peer: peer.name,
          status: r.status,
          error: r.error,
        });
        return;
      }
      const wait = Math.min(1000 * 2 ** attempt, MAX_BACKOFF_MS);
      this.log.warn("push failed; retrying", { peer: peer.name, error: r.error, waitMs: wait });
      this.#schedule(id, attempt + 1, wait);
    }, delayMs);
    this.#timers.set(id, timer);
  }

  /** Whether a push to any peer is still waiting for its next attempt. */
  pending(): boolean {
    return this.#timers.size > 0;
  }

  /** Cancels every pending retry (daemon shutdown). */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  /** Compares each peer's checksum and file hashes with ours and measures clock skew. */
  async drift(): Promise<DriftLine[]> {
    const ours = await checksumReport(this.state(), this.files);
    const local = ours.checksum;
    return await Promise.all(
      this.peers.list().map(async (peer): Promise<DriftLine> => {
        const line: DriftLine = {
          id: peer.id,
          name: peer.name,
          url: peer.url,
          status: "unreachable",
          localChecksum: local,
          remoteChecksum: null,
          localFiles: ours.files,
          remoteFiles: null,
          filesDiffer: [],
          skewMs: null,
          error: null,
        };
        try {
          const t0 = Date.now();
          const clock = await this.client.call(peer, "GET", "/api/peer/clock");
          const t1 = Date.now();
          const sum = await this.client.call(peer, "GET", "/api/peer/state-checksum");
          if (clock.status !== 200 || sum.status !== 200) {
            // A refused token or a failing peer is unreachable for sync, and announced as such.
            line.error = `HTTP ${clock.status !== 200 ? clock.status : sum.status}`;
          } else {
            line.skewMs = Math.round((clock.body as { now: number }).now - (t0 + t1) / 2);
            const theirs = sum.body as Partial<ChecksumReport>;
            line.remoteChecksum = theirs.checksum ?? null;
            line.remoteFiles = theirs.files ?? null;
            line.filesDiffer = filesDiffer(ours.manifest, theirs.manifest ?? []);
            const same = line.remoteChecksum === local && line.remoteFiles === ours.files;
            line.status = same ? "in-sync" : "drifted";
          }
        } catch (e) {
          line.error = e instanceof Error ? e.message : String(e);
        }
        this.alerts?.observe(observation(line));
        return line;
      }),
    );
  }
}

/** What a drift line says of its peer, for {@link PeerAlerts}. */
function observation(line: DriftLine): PeerObservation {
  if (line.status === "in-sync") return { peer: line.name, health: "in-sync" };
  if (line.status === "unreachable") {
    return { peer: line.name, health: "unreachable", error: line.error ?? "no answer" };
  }
  const files = line.filesDiffer.length ? `files differ: ${line.filesDiffer.join(", ")}` : "";
  const state = line.remoteChecksum !== line.localChecksum
    ? `state ${line.remoteChecksum ?? "?"} there, ${line.localChecksum} here`
    : "";
  return { peer: line.name, health: "drifted", detail: [state, files].filter(Boolean).join("; ") };
}
