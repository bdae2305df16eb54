/**
 * Candidate configurations `haproxy -c` accepted a moment ago, so the same
 * bytes are not checked twice in a row: the console and CI plan a change
 * (`POST /api/state/plan`) and then apply it, and a cluster peer plans a
 * pushed state while the sender is still applying it, so the push itself
 * finds its check done. On these machines the check is most of a runtime
 * apply (25–30 ms of ~37 ms on a small state).
 *
 * What HAProxy's verdict depends on is in the key: the cfg text, every file
 * patchpanel generates beside it (ACL and map files, crt-lists, error
 * pages), and the digest of the files the state references by hash
 * (uploaded certificates, CAs, CRLs, Lua scripts, uploaded error pages:
 * `StateFiles`), which a replaced upload changes. What it cannot see, a
 * plugin changing its files inside `host.exclusive` (certbot installing a
 * renewal), clears the memo ({@link CheckMemo.clear}); entries also expire
 * after a short time, so a check is never older than that.
 *
 * Only passes are remembered: a refused config is checked again (and its
 * output shown) every time.
 *
 * @module
 */
import type { CheckResult } from "../haproxy/check.ts";
import { createHash } from "node:crypto";
import type { GeneratedFile } from "../render/model.ts";

/** How long a passed check stands in for another. */
export const CHECK_MEMO_TTL_MS = 30_000;
/** How many passed candidates are remembered. */
const SIZE = 8;

/** Remembers which candidate configurations passed `haproxy -c`, briefly. */
export class CheckMemo {
  #passed = new Map<string, number>();

  constructor(
    private readonly ttlMs = CHECK_MEMO_TTL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The key of a candidate: its cfg, its generated files and the referenced files' digest. */
  static key(text: string, files: readonly GeneratedFile[], filesDigest: string): string {
    const h = createHash("sha256");
    const part = (s: string) => h.update(`${s.length}:`).update(s);
    part(text);
    for (const f of [...files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) {
      part(f.path);
      part(String(f.mode ?? 0o644));
      part(f.content);
    }
    part(filesDigest);
    return h.digest("hex");
  }

  /** Whether `key` passed within the time limit. */
  passed(key: string): boolean {
    const at = this.#passed.get(key);
    if (at === undefined) return false;
    if (this.now() - at > this.ttlMs) {
      this.#passed.delete(key);
      return false;
    }
    return true;
  }

  /** Records that `key` passed now (the oldest entry goes beyond the size). */
  remember(key: string): void {
    this.#passed.delete(key);
    this.#passed.set(key, this.now());
    while (this.#passed.size > SIZE) this.#passed.delete(this.#passed.keys().next().value!);
  }

  /**
   * `run`'s `haproxy -c`, or a cached pass when `key` passed a moment ago;
   * a new pass is remembered.
   */
  through(key: string, run: () => Promise<CheckResult>): Promise<CheckResult> {
    if (this.passed(key)) return Promise.resolve({ ok: true, output: "", cached: true });
    return run().then((check) => {
      if (check.ok) this.remember(key);
      return check;
    });
  }

  /** Forgets every pass: files the key cannot see may have changed. */
  clear(): void {
    this.#passed.clear();
  }
}
