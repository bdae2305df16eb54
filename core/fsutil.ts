/**
 * Crash-safe file writes. A reader (HAProxy, a restarted daemon) sees either
 * the complete old file or the complete new one, never a torn write.
 *
 * @module
 */
import { basename, dirname } from "node:path";

/**
 * A file written and fsynced beside its destination but not yet in place:
 * the slow part of an atomic write, done ahead (while `haproxy -c` runs) so
 * that putting it in place later is one rename.
 */
export interface StagedFile {
  /** Renames it over the destination and fsyncs the directory. */
  commit(): Promise<void>;
  /** Removes it, leaving the destination untouched. */
  discard(): Promise<void>;
  /**
   * Renames it over the destination now, keeping the file it replaces (as
   * a hard link, `<name>.tmp-prev`, which start-up removes like any temp),
   * so a step that can still fail (a reload) can run with the new file in
   * place and take it back. Resolves once the rename is fsynced.
   */
  place(): Promise<PlacedFile>;
}

/** A staged file put in place by {@link StagedFile.place}, the replaced one kept. */
export interface PlacedFile {
  /** Puts the replaced file back (removes the destination when there was none) and fsyncs the directory. */
  undo(): Promise<void>;
  /** Forgets the replaced file: the new one stays. */
  keep(): Promise<void>;
}

/**
 * Writes `content` to a temp file beside `path` and fsyncs it; see {@link StagedFile}.
 * `whileSyncing` (which must not throw) runs once the bytes are written, while the fsync
 * is in flight: CPU work that overlaps the disk's (the apply stages its snapshot there).
 */
export async function stageFile(
  path: string,
  content: string | Uint8Array,
  mode = 0o644,
  whileSyncing?: () => void,
): Promise<StagedFile> {
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode });
  try {
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    const syncing = file.sync();
    whileSyncing?.();
    await syncing;
  } catch (e) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  file.close();
  await Deno.chmod(tmp, mode);
  return {
    async commit() {
      await Deno.rename(tmp, path);
      await syncDir(dirname(path));
    },
    discard: () => Deno.remove(tmp).catch(() => {}),
    place: () => placeKeeping(tmp, path),
  };
}

async function placeKeeping(tmp: string, path: string): Promise<PlacedFile> {
  const prev = `${path}.tmp-prev`;
  await Deno.remove(prev).catch(() => {});
  let hadPrev = true;
  try {
    await Deno.link(path, prev);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    hadPrev = false;
  }
  await Deno.rename(tmp, path);
  await syncDir(dirname(path));
  return {
    async undo() {
      if (hadPrev) await Deno.rename(prev, path);
      else await Deno.remove(path).catch(() => {});
      await syncDir(dirname(path));
    },
    keep: () => hadPrev ? Deno.remove(prev).catch(() => {}) : Promise.resolve(),
  };
}

/** Writes `content` to a temp file beside `path`, fsyncs it, renames it over `path`, fsyncs the dir. */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  mode = 0o644,
): Promise<void> {
  await (await stageFile(path, content, mode)).commit();
}

/**
 * Removes the `<name>.tmp-*` files beside each of `paths` that a killed
 * process left (a write or a staged file in flight). Run at start-up, before
 * anything writes there again; each directory is read once.
 */
export async function removeStaleTemps(paths: string[]): Promise<void> {
  const byDir = new Map<string, string[]>();
  for (const path of paths) {
    byDir.set(dirname(path), [...byDir.get(dirname(path)) ?? [], `${basename(path)}.tmp-`]);
  }
  for (const [dir, prefixes] of byDir) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.isFile && prefixes.some((p) => entry.name.startsWith(p))) {
          await Deno.remove(`${dir}/${entry.name}`).catch(() => {});
        }
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

/** Fsyncs a directory so a rename in it survives power loss. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const f = await Deno.open(dir, { read: true });
    try {
      await f.sync();
    } finally {
      f.close();
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

/** Reads a file, or returns null when it does not exist. */
export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
