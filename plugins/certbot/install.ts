/**
 * The installed copy of each issued certificate (`<certs>/letsencrypt/
 * installed/<id>/`): what the render reads, never certbot's own lineage.
 * certbot rewrites its `live/` links one file at a time while it runs; a
 * render reading them then could pair a new chain with an old key, or
 * slip a certificate in without the install's check. So certbot runs
 * outside the apply lock and writes only its own directories, and the
 * issuer copies a finished lineage in here under the lock, in the same
 * step as the re-apply that reloads HAProxy onto it; a failed re-apply
 * puts the previous copy back.
 *
 * @module
 */
import { join } from "node:path";
import { existsSync } from "node:fs";
import type { CertMaterial, TlsCertEntry } from "../../core/providers.ts";
import { type CertbotDirs, ensurePlaceholder, lineageDir } from "./files.ts";

/** The files of an installed copy (the leaf alone too, to compare with the lineage's). */
const FILES = ["fullchain.pem", "privkey.pem", "cert.pem"] as const;

/** Where a certificate's installed copy lives. */
export function installedDir(dirs: CertbotDirs, certId: string): string {
  return join(dirs.root, "installed", certId);
}

/** The installed copy's chain and key, or null when nothing is installed. */
export function installedMaterial(dirs: CertbotDirs, certId: string): CertMaterial | null {
  const dir = installedDir(dirs, certId);
  const files = { fullchain: join(dir, "fullchain.pem"), privkey: join(dir, "privkey.pem") };
  return existsSync(files.fullchain) && existsSync(files.privkey) ? files : null;
}

function readOrNull(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/**
 * The `letsencrypt` kind's files for the render: the installed copy once a
 * certificate is issued and installed, else its self-signed placeholder.
 */
export function materialize(dirs: CertbotDirs, cert: TlsCertEntry): CertMaterial {
  return installedMaterial(dirs, cert.id) ?? ensurePlaceholder(dirs, cert);
}

/** Of `certIds`, those whose lineage holds a leaf the installed copy does not. */
export function notInstalled(dirs: CertbotDirs, certIds: string[]): string[] {
  return certIds.filter((id) => {
    const issued = readOrNull(join(lineageDir(dirs, id), "cert.pem"));
    return issued !== null && issued !== readOrNull(join(installedDir(dirs, id), "cert.pem"));
  });
}

/** Puts the previous installed copies back. */
export type InstallUndo = () => Promise<void>;

/**
 * Copies each lineage's files into its installed copy (each file written
 * beside and renamed into place, mode 0600); the undo restores what was
 * there before, or removes a copy that did not exist.
 */
export async function installLineages(dirs: CertbotDirs, certIds: string[]): Promise<InstallUndo> {
  const previous: { dir: string; files: Map<string, string | null> }[] = [];
  const undo: InstallUndo = async () => {
    for (const { dir, files } of previous.reverse()) {
      for (const [name, content] of files) {
        const path = join(dir, name);
        if (content === null) await Deno.remove(path).catch(() => {});
        else await writeAtomic(path, content);
      }
    }
  };
  try {
    for (const id of certIds) {
      const from = lineageDir(dirs, id);
      const dir = installedDir(dirs, id);
      // Read the whole lineage before writing: certbot has finished, and a half copy never shows.
      const next = FILES.map((name) => [name, Deno.readTextFileSync(join(from, name))] as const);
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
      const files = new Map(FILES.map((name) => [name, readOrNull(join(dir, name))]));
      previous.push({ dir, files });
      for (const [name, content] of next) await writeAtomic(join(dir, name), content);
    }
  } catch (error) {
    await undo();
    throw error;
  }
  return undo;
}

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await Deno.writeTextFile(tmp, content, { mode: 0o600 });
  await Deno.rename(tmp, path);
}
