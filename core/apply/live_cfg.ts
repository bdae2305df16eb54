/**
 * The live cfg's text, read once and then remembered for as long as the
 * file is the one it was read from (or the candidate an apply swapped in).
 *
 * Every apply compares its candidate with the live cfg. At 100,000 servers
 * that file is 5 MB: reading and decoding it costs a few milliseconds and
 * 10 MB of garbage per apply, though it is nearly always the text the last
 * apply wrote. The text is kept with the file's identity (device, inode,
 * size, modification and change times); an apply stats the file and reads
 * it again only when any of them changed. Every writer of the cfg renames a
 * new file over it (a new inode), and an edit in place changes its times,
 * so a remembered text is never served for another file.
 *
 * @module
 */
import { readTextOrNull } from "../fsutil.ts";

/** Reads the live cfg through its remembered text; see the module doc. */
export class LiveCfg {
  #known: { text: string; id: string } | null = null;
  constructor(private readonly path: string) {}

  /** The live cfg's text, or null when there is none. */
  async read(): Promise<string | null> {
    const before = await fileId(this.path);
    if (before === null) {
      this.#known = null;
      return null;
    }
    if (this.#known?.id === before) return this.#known.text;
    const text = await readTextOrNull(this.path);
    // Remembered only when nothing replaced the file while it was read.
    this.#known = text !== null && await fileId(this.path) === before ? { text, id: before } : null;
    return text;
  }

  /** After `text` was renamed over the live cfg: the file that now holds it. */
  async swapped(text: string): Promise<void> {
    const id = await fileId(this.path).catch(() => null);
    this.#known = id === null ? null : { text, id };
  }
}

/** What tells one version of a file from another, or null when there is no file. */
async function fileId(path: string): Promise<string | null> {
  try {
    const s = await Deno.stat(path);
    return [s.dev, s.ino, s.size, s.mtime?.getTime(), s.ctime?.getTime()].join(":");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
