/**
 * Trust material on disk: one `<dir>/<name>.pem` per trusted CA bundle or
 * CRL, written atomically (0600 in a 0700 directory), with the previous
 * content kept in memory so a failed reload can put it back.
 *
 * @module
 */
import { join } from "node:path";
import { isName } from "../../core/state/names.ts";
import { readTextOrNull, syncDir, writeFileAtomic } from "../../core/fsutil.ts";

/** A directory of named PEM files. */
export class PemStore {
  constructor(readonly dir: string) {}

  /** The file of a name. */
  path(name: string): string {
    return join(this.dir, `${name}.pem`);
  }

  /** Writes `name`; returns the content it replaced (null when new). */
  async write(name: string, pem: string): Promise<string | null> {
    await Deno.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(this.dir, 0o700);
    const previous = await this.read(name);
    await writeFileAtomic(this.path(name), pem, 0o600);
    return previous;
  }

  /** Puts back what {@link write} replaced (or removes the name when it was new). */
  async restore(name: string, previous: string | null): Promise<void> {
    if (previous === null) await this.remove(name);
    else await writeFileAtomic(this.path(name), previous, 0o600);
  }

  /** A name's PEM, or null. */
  read(name: string): Promise<string | null> {
    return readTextOrNull(this.path(name));
  }

  /** The stored names, sorted. */
  async names(): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(this.dir)) {
        const name = e.name.replace(/\.pem$/, "");
        if (e.isFile && e.name.endsWith(".pem") && isName(name)) out.push(name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return out.sort();
  }

  /** Removes a name's file. */
  async remove(name: string): Promise<void> {
    await Deno.remove(this.path(name)).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    await syncDir(this.dir);
  }
}
