/**
 * Where installed Lua plugins live: `<data>/lua/scripts/<sha256>.lua`
 * (mode 0640, content-addressed, never rewritten) and the index
 * `<data>/lua/plugins.json` (name → manifest, hash, size). A rendered cfg
 * names a script by its hash, so the bytes `haproxy -c` checked are the
 * bytes HAProxy loads; replacing a plugin writes a new file and points the
 * index at it.
 *
 * The index is held in memory too: validation and render hooks are
 * synchronous and read it on every apply.
 *
 * @module
 */
import { join } from "node:path";
import { readTextOrNull, writeFileAtomic } from "../../core/fsutil.ts";
import type { Manifest } from "./manifest.ts";

/** One installed plugin, as the index records it. */
export interface Installed {
  name: string;
  /** SHA-256 of the script's bytes, hex. */
  hash: string;
  /** The script's size in bytes. */
  size: number;
  manifest: Manifest;
  uploadedAt: string;
  uploadedBy: string;
}

/** Mode of scripts and the index: the daemon's user reads and writes, its group reads. */
export const SCRIPT_MODE = 0o640;

/** SHA-256 of `bytes`, hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The plugin store of one data directory. */
export class LuaStore {
  readonly #dir: string;
  readonly #index: string;
  readonly scripts: string;
  #plugins = new Map<string, Installed>();

  /** A store rooted at `dir` (`paths.plugin("lua")`); call {@link load} before use. */
  constructor(dir: string) {
    this.#dir = dir;
    this.#index = join(dir, "plugins.json");
    this.scripts = join(dir, "scripts");
  }

  /**
   * Reads the index from disk (an absent index is an empty store).
   * Synchronous: it runs in the plugin's `prepare`, before start-up
   * validates the persisted state.
   */
  loadSync(): void {
    let text: string | null = null;
    try {
      text = Deno.readTextFileSync(this.#index);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const list: Installed[] = text ? JSON.parse(text).plugins ?? [] : [];
    this.#plugins = new Map(list.map((p) => [p.name, p]));
  }

  /** The installed plugin `name`, or undefined. */
  get(name: string): Installed | undefined {
    return this.#plugins.get(name);
  }

  /** Every installed plugin, by name. */
  list(): Installed[] {
    return [...this.#plugins.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The absolute path of the script with `hash`. */
  scriptPath(hash: string): string {
    return join(this.scripts, `${hash}.lua`);
  }

  /** The script text of an installed plugin. */
  async source(entry: Installed): Promise<string | null> {
    return await readTextOrNull(this.scriptPath(entry.hash));
  }

  /**
   * Stores the script and points the index at it. Returns the entry it
   * replaced (undefined for a new name), for {@link restore}.
   */
  async put(entry: Installed, bytes: Uint8Array): Promise<Installed | undefined> {
    await Deno.mkdir(this.scripts, { recursive: true, mode: 0o750 });
    const path = this.scriptPath(entry.hash);
    if ((await readTextOrNull(path)) === null) await writeFileAtomic(path, bytes, SCRIPT_MODE);
    const previous = this.#plugins.get(entry.name);
    this.#plugins.set(entry.name, entry);
    await this.#save();
    return previous;
  }

  /** Puts back what {@link put} or {@link remove} replaced (a failed apply). */
  async restore(name: string, previous: Installed | undefined): Promise<void> {
    if (previous) this.#plugins.set(name, previous);
    else this.#plugins.delete(name);
    await this.#save();
  }

  /** Drops a plugin from the index; returns the removed entry. */
  async remove(name: string): Promise<Installed | undefined> {
    const previous = this.#plugins.get(name);
    this.#plugins.delete(name);
    await this.#save();
    return previous;
  }

  /**
   * Removes script files no index entry names and `cfgText` (the live
   * haproxy.cfg) does not load, so a replaced script stays until the
   * reload that stops loading it.
   */
  async prune(cfgText: string): Promise<void> {
    const keep = new Set(this.list().map((p) => `${p.hash}.lua`));
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(this.scripts));
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isFile || keep.has(e.name)) continue;
      const path = join(this.scripts, e.name);
      if (cfgText.includes(path)) continue;
      await Deno.remove(path).catch(() => {});
    }
  }

  async #save(): Promise<void> {
    await Deno.mkdir(this.#dir, { recursive: true, mode: 0o750 });
    const body = JSON.stringify({ plugins: this.list() }, null, 2) + "\n";
    await writeFileAtomic(this.#index, body, SCRIPT_MODE);
  }
}
