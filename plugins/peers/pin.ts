/**
 * TLS pinning for `https://` peers: before any request (and so before the
 * outbound token leaves this node) a bare TLS handshake reads the peer's
 * leaf certificate; its SHA-256 fingerprint is pinned on first contact and
 * must match on every later one. The request itself then trusts exactly
 * that certificate (`Deno.createHttpClient({caCerts})`), which works with
 * the daemon's self-signed certificate when its names cover the peer URL's
 * host.
 *
 * @module
 */
import { connect } from "node:tls";
import { isIP } from "node:net";

/** What a handshake saw: the leaf's fingerprint (`AA:BB:…`) and its PEM. */
export interface PeerCert {
  fingerprint: string;
  pem: string;
}

function toPem(der: Uint8Array): string {
  const b64 = btoa(String.fromCharCode(...der));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** Reads a TLS server's leaf certificate without trusting it, within `timeoutMs`. */
export function readPeerCert(host: string, port: number, timeoutMs = 5_000): Promise<PeerCert> {
  return new Promise((resolve, reject) => {
    // SNI carries host names only (RFC 6066 §3): an IP address is sent without it.
    const sni = isIP(host) === 0 ? { servername: host } : {};
    const socket = connect({ host, port, rejectUnauthorized: false, ...sni });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TLS handshake with ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      socket.destroy();
      if (!cert || !cert.raw) return reject(new Error("the peer sent no certificate"));
      resolve({ fingerprint: cert.fingerprint256, pem: toPem(new Uint8Array(cert.raw)) });
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
