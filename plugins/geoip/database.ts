/**
 * One `.mmdb` database slot: loads the file with `npm:maxmind`'s reader,
 * reports what it holds (type, build date), and reloads when the file's
 * identity (size, mtime, inode) changes on disk — MaxMind's updater
 * replaces files by rename, so the identity is checked, not just the mtime.
 * A file that cannot be read or parsed leaves the slot empty with an error,
 * never a throw.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Reader, type Response } from "maxmind";

/** What `GET /api/geoip/status` says about one database. */
export interface DbStatus {
  path: string | null;
  loaded: boolean;
  /** The database's own type, e.g. "GeoLite2-City". */
  type: string | null;
  /** When MaxMind (or whoever) built it, ISO 8601. */
  buildDate: string | null;
  /** When this daemon last loaded it, ISO 8601. */
  loadedAt: string | null;
  error: string | null;
}

/** A database file and its reader. */
export class DbSlot {
  #path: string | null = null;
  #stamp = "";
  #reader: Reader<Response> | null = null;
  #loadedAt: Date | null = null;
  #error: string | null = null;

  /** The reader, when a database is loaded. */
  get reader(): Reader<Response> | null {
    return this.#reader;
  }

  /** Points the slot at a file (or none) and loads it if it changed; resolves when done. */
  async sync(path: string | null): Promise<void> {
    if (path !== this.#path) {
      this.#path = path;
      this.#stamp = "";
      this.#reader = null;
      this.#loadedAt = null;
      this.#error = null;
    }
    if (!path) return;
    let stamp: string;
    try {
      const st = await Deno.stat(path);
      stamp = `${st.size}:${st.mtime?.getTime()}:${st.ino}`;
    } catch (e) {
      this.#reader = null;
      this.#stamp = "";
      this.#error = `cannot read ${path}: ${(e as Error).message}`;
      return;
    }
    if (stamp === this.#stamp) return;
    try {
      const bytes = await Deno.readFile(path);
      this.#reader = new Reader<Response>(
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      );
      this.#loadedAt = new Date();
      this.#error = null;
    } catch (e) {
      this.#reader = null;
      this.#error = `${path} is not a valid MaxMind database: ${(e as Error).message}`;
    }
    this.#stamp = stamp;
  }

  /** The slot as the status endpoint reports it. */
  status(): DbStatus {
    const meta = this.#reader?.metadata;
    return {
      path: this.#path,
      loaded: this.#reader !== null,
      type: meta?.databaseType ?? null,
      buildDate: meta ? meta.buildEpoch.toISOString() : null,
      loadedAt: this.#loadedAt?.toISOString() ?? null,
      error: this.#error,
    };
  }
}
