/**
 * The uploaded certificates on disk: `<byoCerts>/<name>/{fullchain,privkey,
 * cert}.pem`, files 0600 in directories 0700.
 *
 * `<name>` is a symlink to a versioned directory (`.v-<name>-<random>`), so
 * replacing a certificate is one atomic rename of the link: a reader sees
 * the complete old set of files or the complete new one, never a mix, and
 * an upload whose reload fails is undone by pointing the link back.
 *
 * @module
 */
import { join } from "node:path";
import { isName } from "../../core/state/names.ts";
import { syncDir, writeFileAtomic } from "../../core/fsutil.ts";

/** The three files of an uploaded certificate. */
export interface CertFiles {
  fullchain: string;
  privkey: string;
  cert: string;
}

/** A written version, not yet final: keep it or go back to what was there. */
export interface PendingSwap {
  /** Whether a certificate of that name existed before. */
  replaced: boolean;
  /** Keeps the new files and deletes the old version. */
  commit(): Promise<void>;
  /** Restores the old version (or removes the name) and deletes the new files. */
  rollback(): Promise<void>;
}

/** Reads and writes uploaded certificates under one directory. */
export class ByoStore {
  constructor(readonly root: string) {}

  /** The directory (through its link) holding a certificate's files. */
  dir(name: string): string {
    return join(this.root, name);
  }

  /** Writes a new version of `name` and points the name at it. */
  async write(name: string, files: CertFiles): Promise<PendingSwap> {
    await Deno.mkdir(this.root, { recursive: true, mode: 0o700 });
    await Deno.chmod(this.root, 0o700);
    const version = `.v-${name}-${crypto.randomUUID().slice(0, 8)}`;
    const vdir = join(this.root, version);
    await Deno.mkdir(vdir, { mode: 0o700 });
    await Deno.chmod(vdir, 0o700);
    for (const [file, content] of Object.entries(files)) {
      await writeFileAtomic(join(vdir, `${file}.pem`), content, 0o600);
    }
    const previous = await this.#detach(name);
    await this.#point(name, version);
    return {
      replaced: previous !== null,
      commit: async () => {
        if (previous) await Deno.remove(join(this.root, previous), { recursive: true });
      },
      rollback: async () => {
        if (previous) await this.#point(name, previous);
        else await Deno.remove(this.dir(name)).catch(() => {});
        await Deno.remove(vdir, { recursive: true }).catch(() => {});
      },
    };
  }

  /** Whether a certificate of that name is stored. */
  async exists(name: string): Promise<boolean> {
    try {
      return (await Deno.stat(this.dir(name))).isDirectory;
    } catch {
      return false;
    }
  }

  /** The stored names, sorted. */
  async names(): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(this.root)) {
        if (isName(e.name) && await this.exists(e.name)) out.push(e.name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return out.sort();
  }

  /** A certificate's fullchain.pem, or null when it is not stored. */
  async fullchain(name: string): Promise<string | null> {
    try {
      return await Deno.readTextFile(join(this.dir(name), "fullchain.pem"));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  /** Removes a certificate: its link and the version it points to. */
  async remove(name: string): Promise<void> {
    const version = await this.#detach(name);
    await Deno.remove(this.dir(name)).catch(() => {});
    if (version) await Deno.remove(join(this.root, version), { recursive: true });
    await syncDir(this.root);
  }

  /**
   * Takes `name` out of the way without deleting its files: returns the
   * version directory it pointed to (a plain directory, from an older
   * layout or a hand copy, is first renamed into a version), or null.
   */
  async #detach(name: string): Promise<string | null> {
    const path = this.dir(name);
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch {
      return null;
    }
    if (info.isSymlink) {
      const target = await Deno.readLink(path);
      if (!target.startsWith(".v-") || target.includes("/")) {
        throw new Error(`${path} links outside the certificate store`);
      }
      return target;
    }
    const version = `.v-${name}-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.rename(path, join(this.root, version));
    return version;
  }

  /** Atomically (re)points `name` at a version directory. */
  async #point(name: string, version: string): Promise<void> {
    const tmp = join(this.root, `.l-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.symlink(version, tmp);
    await Deno.rename(tmp, this.dir(name));
    await syncDir(this.root);
  }
}
