/**
 * Configured peers (`peers_peers`): the nodes this one pushes to, each with
 * the outbound token that node minted for us. The token is stored as given
 * (it must be sent) and never shown again: listings carry `token:
 * "[redacted]"`. Last contact and last error are kept for the drift view.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { randomBytes } from "node:crypto";

/** What listings show in place of an outbound token. */
export const REDACTED = "[redacted]";

/** A peer as the operator surface shows it. */
export interface PeerView {
  id: string;
  name: string;
  url: string;
  token: typeof REDACTED;
  fingerprint: string | null;
  createdAt: string;
  lastContactAt: string | null;
  lastError: string | null;
  /** Set when the URL is plain http: the token and every state travel in the clear. */
  warning: string | null;
}

/** A peer with its outbound token, for the code that calls it. */
export interface PeerRecord extends Omit<PeerView, "token" | "warning"> {
  token: string;
}

interface Row {
  id: string;
  name: string;
  url: string;
  token: string;
  fingerprint: string | null;
  created_at: number;
  last_contact_at: number | null;
  last_error: string | null;
}

function toRecord(r: Row): PeerRecord {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    token: r.token,
    fingerprint: r.fingerprint,
    createdAt: new Date(r.created_at).toISOString(),
    lastContactAt: r.last_contact_at === null ? null : new Date(r.last_contact_at).toISOString(),
    lastError: r.last_error,
  };
}

/** The warning a plain-http peer URL earns, or null for https. */
export function plainHttpWarning(url: string): string | null {
  return url.startsWith("http://")
    ? "this peer's URL is plain http: its token and every pushed state (with any certificate " +
      "keys it names) travel unencrypted; use https"
    : null;
}

/** The redacted view of a peer. */
export function viewOf(p: PeerRecord): PeerView {
  return { ...p, token: REDACTED, warning: plainHttpWarning(p.url) };
}

/** The peer table. */
export class Peers {
  constructor(private readonly db: DatabaseSync, private readonly now = Date.now) {}

  /** Adds a peer; the name must be unique (the caller checks). */
  add(input: { name: string; url: string; token: string }): PeerRecord {
    const id = `peer-${randomBytes(6).toString("hex")}`;
    this.db.prepare(
      "INSERT INTO peers_peers (id, name, url, token, created_at) VALUES (?, ?, ?, ?, ?)",
    ).run(id, input.name, input.url, input.token, this.now());
    return this.get(id)!;
  }

  /** All peers by name. */
  list(): PeerRecord[] {
    const rows = this.db.prepare("SELECT * FROM peers_peers ORDER BY name")
      .all() as unknown as Row[];
    return rows.map(toRecord);
  }

  /** One peer, or null. */
  get(id: string): PeerRecord | null {
    const r = this.db.prepare("SELECT * FROM peers_peers WHERE id = ?").get(id) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  /** Whether a name is taken. */
  hasName(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM peers_peers WHERE name = ?").get(name) !== undefined;
  }

  /** Deletes a peer; false when it did not exist. */
  remove(id: string): boolean {
    return Number(this.db.prepare("DELETE FROM peers_peers WHERE id = ?").run(id).changes) > 0;
  }

  /** Records the pinned certificate fingerprint. */
  pin(id: string, fingerprint: string): void {
    this.db.prepare("UPDATE peers_peers SET fingerprint = ? WHERE id = ?").run(fingerprint, id);
  }

  /** Records a contact: reached (error null, or an HTTP status) or not reached at all. */
  contact(id: string, error: string | null, reached = true): void {
    if (reached) {
      this.db.prepare("UPDATE peers_peers SET last_contact_at = ?, last_error = ? WHERE id = ?")
        .run(this.now(), error, id);
    } else {
      this.db.prepare("UPDATE peers_peers SET last_error = ? WHERE id = ?").run(error, id);
    }
  }
}
