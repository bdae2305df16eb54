/**
 * Where the pending window lives between restarts: one JSON file in the
 * data directory (`confirm-window.json`, mode 0600), written atomically on
 * every change of the window, holding the pending window and the last one
 * that ended (so `GET /api/state/pending` can say why it ended).
 *
 * @module
 */
import { join } from "node:path";
import type { DataPaths } from "../paths.ts";
import { readTextOrNull, writeFileAtomic } from "../fsutil.ts";
import type { WindowRecord } from "./confirm_types.ts";

/** The persisted pair. */
export interface WindowFile {
  pending: WindowRecord | null;
  last: WindowRecord | null;
}

/** The file's name inside the data directory. */
export const WINDOW_FILE = "confirm-window.json";

/** Reads and writes the window file; a missing or unreadable file is "no window". */
export class WindowStore {
  readonly path: string;
  /** The file sits in the data directory, never anywhere a request names. */
  constructor(paths: DataPaths) {
    this.path = join(paths.dataDir, WINDOW_FILE);
  }

  /** The persisted windows; an unparsable file counts as none (and is overwritten next). */
  async load(): Promise<WindowFile> {
    const text = await readTextOrNull(this.path);
    if (text === null) return { pending: null, last: null };
    try {
      const parsed = JSON.parse(text) as Partial<WindowFile>;
      return { pending: parsed.pending ?? null, last: parsed.last ?? null };
    } catch {
      return { pending: null, last: null };
    }
  }

  /** Replaces the file. */
  save(file: WindowFile): Promise<void> {
    return writeFileAtomic(this.path, JSON.stringify(file), 0o600);
  }
}
