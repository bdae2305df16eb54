/**
 * patchpanel's end of the access log: a unix datagram socket HAProxy's
 * workers send one line per request to. HAProxy sends without waiting
 * (`MSG_DONTWAIT`): when patchpanel falls behind, the socket's buffer fills
 * and HAProxy drops the line and counts it (`DroppedLogs` in `show info`),
 * so a slow patchpanel never slows traffic down.
 *
 * Permissions: patchpanel running as root makes the directory mode 710 and
 * the socket mode 620, both group `socketGroup` (HAProxy's workers), so the
 * workers may send and no other account may; otherwise (HAProxy runs as
 * patchpanel's own account) both are patchpanel's alone (700, 600).
 *
 * @module
 */
import type { Logger } from "../../core/log.ts";
import { parseLogLine } from "./parse.ts";
import type { LogStore } from "./store.ts";

const decoder = new TextDecoder();

/** A gid from /etc/group, or null when the group is not listed. */
async function gidOf(group: string): Promise<number | null> {
  const text = await Deno.readTextFile("/etc/group").catch(() => "");
  const line = text.split("\n").find((l) => l.split(":", 1)[0] === group);
  return line ? Number(line.split(":")[2]) : null;
}

/** Makes the socket's directory with the modes above (prepare and start both call it). */
export async function prepareDir(dir: string, group: string): Promise<number | null> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const gid = Deno.uid() === 0 ? await gidOf(group) : null;
  if (gid !== null) {
    await Deno.chown(dir, 0, gid);
    await Deno.chmod(dir, 0o710);
  } else {
    await Deno.chmod(dir, 0o700);
  }
  return gid;
}

/** The listening socket and its counters. */
export class LogReceiver {
  #listener: Deno.DatagramConn | null = null;
  #loop: Promise<void> | null = null;
  /** Datagrams that were not text lines HAProxy sends (empty ones). */
  malformed = 0;

  constructor(
    readonly path: string,
    readonly group: string,
    readonly store: LogStore,
    readonly log: Logger,
  ) {}

  /** Whether the socket is open. */
  get listening(): boolean {
    return this.#listener !== null;
  }

  /** Binds the socket (replacing a stale one), sets its owner and mode, starts reading. */
  async start(): Promise<void> {
    const dir = this.path.slice(0, this.path.lastIndexOf("/"));
    const gid = await prepareDir(dir, this.group);
    await Deno.remove(this.path).catch(() => {});
    const listener = Deno.listenDatagram({ transport: "unixpacket", path: this.path });
    if (gid !== null) await Deno.chown(this.path, 0, gid);
    await Deno.chmod(this.path, gid !== null ? 0o620 : 0o600);
    this.#listener = listener;
    this.#loop = this.#read(listener);
  }

  async #read(listener: Deno.DatagramConn): Promise<void> {
    try {
      for await (const [bytes] of listener) {
        if (bytes.length === 0) {
          this.malformed++;
          continue;
        }
        const now = Date.now();
        // One datagram is one line; a sender may batch several separated by newlines.
        for (const line of decoder.decode(bytes).split("\n")) {
          if (line !== "") this.store.add(parseLogLine(line, this.store.nextSeq(), now));
        }
      }
    } catch (error) {
      if (this.#listener) this.log.warn("access log socket failed", { error: String(error) });
    }
  }

  /** Closes the socket and removes its file. */
  async stop(): Promise<void> {
    const listener = this.#listener;
    this.#listener = null;
    try {
      listener?.close();
    } catch { /* already closed */ }
    await this.#loop;
    await Deno.remove(this.path).catch(() => {});
  }
}
