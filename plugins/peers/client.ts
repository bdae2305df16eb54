/**
 * Calls a peer's `/api/peer/*` surface with its outbound token. An
 * `https://` peer is pinned first (pin.ts): the fingerprint is recorded on
 * first contact (audited, category `cluster`) and a later mismatch is
 * refused before the token is sent (audited as a failure). Every answer
 * updates the peer's last contact or last error.
 *
 * @module
 */
import type { AuditLog } from "../../core/store/audit.ts";
import type { PeerRecord, Peers } from "./peers_store.ts";
import { readPeerCert } from "./pin.ts";

/** A pinned certificate changed: nothing was sent. */
export class PinMismatch extends Error {
  constructor(readonly pinned: string, readonly seen: string) {
    super(`the peer's TLS certificate changed (pinned ${pinned}, saw ${seen}); refused`);
  }
}

/** What a peer call answered. */
export interface PeerAnswer {
  status: number;
  body: unknown;
  /** The fingerprint pinned for an https peer; null for http. */
  fingerprint: string | null;
}

/** Sends requests to peers, pinning https peers' certificates. */
export class PeerClient {
  constructor(
    private readonly peers: Peers,
    private readonly audit: AuditLog,
    private readonly timeoutMs = 10_000,
    private readonly onMismatch: (peer: PeerRecord, seen: string) => void = () => {},
  ) {}

  /** Mismatches already reported (peer id + seen fingerprint): each is announced once. */
  #reported = new Set<string>();

  /** One request to a peer's `/api/peer/...` path. Throws when unreachable or refused by a pin. */
  async call(
    peer: PeerRecord,
    method: "GET" | "POST",
    path: string,
    body?: string | Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<PeerAnswer> {
    const url = new URL(path, peer.url + "/");
    let client: Deno.HttpClient | undefined;
    let fingerprint: string | null = null;
    try {
      if (url.protocol === "https:") {
        const port = Number(url.port || 443);
        const host = url.hostname.replace(/^\[|\]$/g, "");
        const cert = await readPeerCert(host, port, this.timeoutMs);
        fingerprint = cert.fingerprint;
        if (peer.fingerprint === null) {
          this.peers.pin(peer.id, cert.fingerprint);
          peer.fingerprint = cert.fingerprint;
          this.audit.record({
            actor: "system",
            category: "cluster",
            action: "peer-pin",
            target: peer.id,
            details: { name: peer.name, fingerprint: cert.fingerprint },
            outcome: "success",
          });
        } else if (peer.fingerprint !== cert.fingerprint) {
          this.audit.record({
            actor: "system",
            category: "cluster",
            action: "peer-pin-mismatch",
            target: peer.id,
            details: { name: peer.name, pinned: peer.fingerprint, seen: cert.fingerprint },
            outcome: "failure",
          });
          const key = `${peer.id} ${cert.fingerprint}`;
          if (!this.#reported.has(key)) {
            this.#reported.add(key);
            this.onMismatch(peer, cert.fingerprint);
          }
          throw new PinMismatch(peer.fingerprint, cert.fingerprint);
        }
        client = Deno.createHttpClient({ caCerts: [cert.pem] });
      }
      const res = await fetch(url, {
        method,
        body: body as BodyInit | undefined,
        client,
        headers: { ...headers, authorization: `Bearer ${peer.token}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch { /* not JSON */ }
      this.peers.contact(peer.id, res.ok ? null : `HTTP ${res.status}`);
      return { status: res.status, body: parsed, fingerprint };
    } catch (e) {
      this.peers.contact(peer.id, e instanceof Error ? e.message : String(e), false);
      throw e;
    } finally {
      client?.close();
    }
  }
}
