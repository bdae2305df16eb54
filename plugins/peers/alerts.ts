/**
 * When to tell an operator about a peer: once when it starts to differ from
 * this node (`peers:drift`) and once when it stops answering
 * (`peers:unreachable`), not on every push retry or drift check, so a node
 * down for an hour is one notice, not sixty. A peer that answers again, or
 * is found in sync, re-arms the notice.
 *
 * @module
 */

/** The event a peer's drift emits (the peers plugin's own namespace). */
export const DRIFT = "peers:drift";
/** The event an unreachable peer emits. */
export const UNREACHABLE = "peers:unreachable";

/** What one observation of a peer found. */
export type PeerObservation =
  | { peer: string; health: "in-sync" }
  /** It answered a push; whether it runs our state is not known from that. */
  | { peer: string; health: "answered" }
  | { peer: string; health: "drifted"; detail: string }
  | { peer: string; health: "unreachable"; error: string };

/** An alert to emit, with the payload the core's event table declares for it. */
export type PeerAlert =
  | { event: typeof DRIFT; payload: { peer: string; detail: string } }
  | { event: typeof UNREACHABLE; payload: { peer: string; error: string } };

/** Turns observations of peers into alerts on the transitions that matter. */
export class PeerAlerts {
  #last = new Map<string, PeerObservation["health"]>();

  constructor(private readonly emit: (alert: PeerAlert) => void) {}

  /** Records an observation; emits when the peer just became drifted or unreachable. */
  observe(o: PeerObservation): void {
    const before = this.#last.get(o.peer);
    this.#last.set(o.peer, o.health);
    if (before === o.health) return;
    if (o.health === "drifted") {
      this.emit({ event: DRIFT, payload: { peer: o.peer, detail: o.detail } });
    } else if (o.health === "unreachable") {
      this.emit({ event: UNREACHABLE, payload: { peer: o.peer, error: o.error } });
    }
  }
}
