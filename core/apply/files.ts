/**
 * Writes the files a render refers to (ACL lists, crt-lists, Lua scripts)
 * and can put the previous contents back, so a refused or rolled-back apply
 * leaves the data directory as it found it.
 *
 * @module
 */
import { dirname } from "node:path";
import type { GeneratedFile } from "../render/model.ts";
import { readTextOrNull, writeFileAtomic } from "../fsutil.ts";

/** What was on disk before, for each path written. */
export interface FileUndo {
  restore(): Promise<void>;
}

/** Writes each file whose content changed; returns how to undo exactly those writes. */
export async function writeGenerated(files: GeneratedFile[]): Promise<FileUndo> {
  const previous: { path: string; content: string | null; mode: number }[] = [];
  for (const f of files) {
    const mode = f.mode ?? 0o644;
    const old = await readTextOrNull(f.path);
    if (old === f.content) continue;
    await Deno.mkdir(dirname(f.path), { recursive: true, mode: 0o700 });
    previous.push({ path: f.path, content: old, mode });
    await writeFileAtomic(f.path, f.content, mode);
  }
  return {
    async restore() {
      for (const p of previous.reverse()) {
        if (p.content === null) await Deno.remove(p.path).catch(() => {});
        else await writeFileAtomic(p.path, p.content, p.mode);
      }
    },
  };
}

/**
 * Whether every file a render refers to already holds exactly its content:
 * with a byte-identical cfg, the apply would change nothing on disk.
 */
export async function generatedMatch(files: GeneratedFile[]): Promise<boolean> {
  for (const f of files) {
    if (await readTextOrNull(f.path) !== f.content) return false;
  }
  return true;
}
