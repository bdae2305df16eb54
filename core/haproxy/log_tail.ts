/**
 * Following the embedded HAProxy's output file.
 *
 * The embedded master writes stdout and stderr to a file in the data
 * directory rather than to a pipe: a pipe dies with the daemon that reads
 * it, and HAProxy must outlive a daemon restart (the next daemon attaches to
 * the running master). Any daemon can follow the file from where it stands,
 * so load errors of a reload stay readable after an attach.
 *
 * @module
 */

const decoder = new TextDecoder();

/**
 * Reads lines appended to a file and hands each to `onLine`, polling every
 * `pollMs`. A file that shrinks (truncated for a fresh master) is read again
 * from its start.
 */
export class LogTail {
  #path: string;
  #onLine: (line: string) => void;
  #pollMs: number;
  #offset = 0;
  #pending = "";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reading: Promise<void> | null = null;
  #running = false;

  /** Nothing is read until {@link follow}. */
  constructor(path: string, onLine: (line: string) => void, pollMs = 25) {
    this.#path = path;
    this.#onLine = onLine;
    this.#pollMs = pollMs;
  }

  /** Starts following: from the file's current end (`fromEnd`, an attach) or from its start. */
  async follow(fromEnd: boolean): Promise<void> {
    this.#offset = fromEnd ? await this.#size() : 0;
    this.#pending = "";
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  /**
   * Reads whatever is in the file now, including a last line without its
   * newline (the writer has exited: a start-up error's last words), then resolves.
   */
  async drain(): Promise<void> {
    while (this.#reading) await this.#reading;
    await this.#readOnce();
    if (this.#pending !== "") {
      const line = this.#pending;
      this.#pending = "";
      this.#onLine(line);
    }
  }

  /** Stops polling; lines not yet read are dropped. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    while (this.#reading) await this.#reading;
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(async () => {
      await this.#readOnce();
      this.#schedule();
    }, this.#pollMs);
  }

  async #size(): Promise<number> {
    try {
      return (await Deno.stat(this.#path)).size;
    } catch {
      return 0;
    }
  }

  #readOnce(): Promise<void> {
    if (this.#reading) return this.#reading;
    this.#reading = this.#read().finally(() => this.#reading = null);
    return this.#reading;
  }

  async #read(): Promise<void> {
    const size = await this.#size();
    if (size < this.#offset) {
      this.#offset = 0;
      this.#pending = "";
    }
    if (size === this.#offset) return;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.#path, { read: true });
    } catch {
      return;
    }
    try {
      await file.seek(this.#offset, Deno.SeekMode.Start);
      const buf = new Uint8Array(Math.min(size - this.#offset, 1 << 20));
      let got = 0;
      while (got < buf.length) {
        const n = await file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      this.#offset += got;
      this.#pending += decoder.decode(buf.subarray(0, got), { stream: true });
    } finally {
      file.close();
    }
    let nl: number;
    while ((nl = this.#pending.indexOf("\n")) >= 0) {
      const line = this.#pending.slice(0, nl).replace(/\r$/, "");
      this.#pending = this.#pending.slice(nl + 1);
      try {
        this.#onLine(line);
      } catch { /* a faulty listener must not stop the tail */ }
    }
  }
}
