/**
 * Host backup hooks (`patchpanel backup-pre` / `backup-post`, from the REST
 * contract's "Backup hooks"). A raw copy of a live WAL-mode database can be
 * torn, and a state.json copied during an apply may not match the cfg
 * beside it. So `backup-pre` waits for any apply in flight (it takes the
 * same flock the pipeline holds while applying), marks the data directory
 * as being backed up — the daemon then refuses changes with a 503 — and
 * writes consistent copies (`VACUUM INTO` for the database) under
 * `backup/`. `backup-post` removes the mark and the copies.
 *
 * @module
 */
import { copyFile } from "node:fs/promises";
import type { DataPaths } from "./paths.ts";
import { openDatabase } from "./store/db.ts";
import { HttpError } from "./errors.ts";
import { writeFileAtomic } from "./fsutil.ts";

/** What `backup-pre` left for the backup tool. */
export interface BackupCopies {
  dir: string;
  files: string[];
}

/** Whether a backup is in progress (the marker exists). */
export function backupInProgress(paths: DataPaths): boolean {
  try {
    Deno.statSync(paths.backupMarker);
    return true;
  } catch {
    return false;
  }
}

/** Throws the 503 the pipeline answers while a backup runs. */
export function refuseDuringBackup(paths: DataPaths): void {
  if (backupInProgress(paths)) {
    throw new HttpError(
      "ServiceUnavailable",
      "a host backup is in progress (patchpanel backup-pre); changes resume after backup-post",
    );
  }
}

/** Runs `fn` holding the exclusive apply lock (waits for a holder in another process). */
export async function withApplyLock<T>(paths: DataPaths, fn: () => Promise<T>): Promise<T> {
  const file = await Deno.open(paths.applyLock, {
    read: true,
    write: true,
    create: true,
    mode: 0o600,
  });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close(); // closing releases the lock
  }
}

/** Quiesces changes and writes consistent copies of the database, state and cfg. */
export async function backupPre(paths: DataPaths): Promise<BackupCopies> {
  await withApplyLock(paths, async () => {
    await writeFileAtomic(
      paths.backupMarker,
      JSON.stringify({ since: new Date().toISOString(), pid: Deno.pid }) + "\n",
      0o600,
    );
  });
  await Deno.remove(paths.backupDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(paths.backupDir, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  const dbCopy = `${paths.backupDir}/audit.sqlite`;
  const db = openDatabase(paths.database);
  try {
    db.exec(`VACUUM INTO '${dbCopy.replaceAll("'", "''")}'`);
  } finally {
    db.close();
  }
  await Deno.chmod(dbCopy, 0o600);
  files.push(dbCopy);
  for (const [from, name] of [[paths.state, "state.json"], [paths.cfg, "haproxy.cfg"]]) {
    try {
      await copyFile(from, `${paths.backupDir}/${name}`);
      await Deno.chmod(`${paths.backupDir}/${name}`, 0o600);
      files.push(`${paths.backupDir}/${name}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return { dir: paths.backupDir, files };
}

/** Resumes changes and removes the copies. */
export async function backupPost(paths: DataPaths): Promise<void> {
  await Deno.remove(paths.backupDir, { recursive: true }).catch(() => {});
  await Deno.remove(paths.backupMarker).catch(() => {});
}
