/**
 * Cross-reference checks of the tls plugin: providers and certificates are
 * unique, each certificate names an existing provider, each TLS bind names
 * existing certificates, and the TLS options that only make sense together
 * (a CRL needs a client CA, HSTS needs HTTP mode, verifying a server needs a
 * CA) come together. Each issue carries the path of the offending field.
 *
 * @module
 */
import { duplicates, type RefIssue, type State } from "../../core/state/schema.ts";
import { backendFact, backendsWith, serversWhere } from "../../core/state/backend_facts.ts";

/** A backend's servers with TLS settings, the only ones the server check and the render read. */
export const TLS_SERVERS = serversWhere("servers with tls", (s) => s.tls !== undefined);

/** Checks `state.tls` and every bind or server that uses TLS. */
export function tlsChecks(state: State): RefIssue[] {
  const { providers, certs } = state.tls;
  const issues: RefIssue[] = [
    ...duplicates(providers, (p) => p.id, (i) => ["tls", "providers", i, "id"], "TLS provider"),
    ...duplicates(certs, (c) => c.id, (i) => ["tls", "certs", i, "id"], "certificate"),
  ];
  const providerIds = new Set(providers.map((p) => p.id));
  certs.forEach((c, i) => {
    if (!providerIds.has(c.providerId)) {
      issues.push({
        path: ["tls", "certs", i, "providerId"],
        message: `TLS provider '${c.providerId}' does not exist in state.tls.providers`,
      });
    }
  });
  const certIds = new Set(certs.map((c) => c.id));
  const defaultMode = state.haproxy.defaults.mode;
  state.haproxy.frontends.forEach((fe, fi) => {
    fe.binds.forEach((b, bi) => {
      if (!b.tls) return;
      const base = ["haproxy", "frontends", fi, "binds", bi, "tls"];
      b.tls.certs.forEach((id, ci) => {
        if (!certIds.has(id)) {
          issues.push({
            path: [...base, "certs", ci],
            message: `certificate '${id}' does not exist in state.tls.certs`,
          });
        }
      });
      issues.push(
        ...duplicates(b.tls.certs, (id) => id, (ci) => [...base, "certs", ci], "certificate"),
      );
      if (b.tls.defaultCert !== undefined && !b.tls.certs.includes(b.tls.defaultCert)) {
        issues.push({
          path: [...base, "defaultCert"],
          message: `default certificate '${b.tls.defaultCert}' must be one of this bind's certs`,
        });
      }
      if (b.tls.crl !== undefined && b.tls.clientCa === undefined) {
        issues.push({
          path: [...base, "crl"],
          message: "a CRL is checked against client certificates: set clientCa too",
        });
      }
      const mode = fe.mode ?? defaultMode;
      if (mode !== "http" && (b.tls.redirectHttp || b.tls.hsts)) {
        issues.push({
          path: [...base, b.tls.redirectHttp ? "redirectHttp" : "hsts"],
          message: `HTTP redirect and HSTS need mode http; frontend '${fe.id}' is mode ${mode}`,
        });
      }
    });
  });
  const backends = state.haproxy.backends;
  // Only the backends with a TLS server (backend_facts.ts): none at all in most states.
  for (const bi of backendsWith(TLS_SERVERS, backends)) {
    const be = backends[bi];
    backendFact(TLS_SERVERS, be).forEach((si) => {
      const s = be.servers[si];
      if (s.tls?.verify === "required" && s.tls.ca === undefined) {
        issues.push({
          path: ["haproxy", "backends", bi, "servers", si, "tls", "ca"],
          message: "verify required needs a trusted CA to verify the server against",
        });
      }
    });
  }
  return issues;
}
