/**
 * Cross-reference checks of the trusted-cas plugin: names are unique, and
 * every bind's `clientCa` and `crl` and every server's `tls.ca` names an
 * entry of `state.trustedCas` / `state.trustedCrls`. Each issue carries
 * the path of the offending field.
 *
 * @module
 */
import { duplicates, type RefIssue, type State } from "../../core/state/schema.ts";
import { backendFact, backendsWith, serversWhere } from "../../core/state/backend_facts.ts";

/** A backend's servers that name a trusted CA, the only ones the server check reads. */
const CA_SERVERS = serversWhere("servers naming a trusted CA", (s) => s.tls?.ca !== undefined);

/** Checks the trusted CA and CRL references of the whole state. */
export function trustChecks(state: State): RefIssue[] {
  const issues: RefIssue[] = [
    ...duplicates(state.trustedCas, (c) => c.name, (i) => ["trustedCas", i, "name"], "trusted CA"),
    ...duplicates(state.trustedCrls, (c) => c.name, (i) => ["trustedCrls", i, "name"], "CRL"),
  ];
  const cas = new Set(state.trustedCas.map((c) => c.name));
  const crls = new Set(state.trustedCrls.map((c) => c.name));
  state.haproxy.frontends.forEach((fe, fi) => {
    fe.binds.forEach((b, bi) => {
      const base = ["haproxy", "frontends", fi, "binds", bi, "tls"];
      if (b.tls?.clientCa !== undefined && !cas.has(b.tls.clientCa)) {
        issues.push({
          path: [...base, "clientCa"],
          message: `trusted CA '${b.tls.clientCa}' does not exist in state.trustedCas`,
        });
      }
      if (b.tls?.crl !== undefined && !crls.has(b.tls.crl)) {
        issues.push({
          path: [...base, "crl"],
          message: `CRL '${b.tls.crl}' does not exist in state.trustedCrls`,
        });
      }
    });
  });
  const backends = state.haproxy.backends;
  // Only the backends with a server naming a CA (backend_facts.ts).
  for (const bi of backendsWith(CA_SERVERS, backends)) {
    const be = backends[bi];
    backendFact(CA_SERVERS, be).forEach((si) => {
      const s = be.servers[si];
      if (s.tls?.ca !== undefined && !cas.has(s.tls.ca)) {
        issues.push({
          path: ["haproxy", "backends", bi, "servers", si, "tls", "ca"],
          message: `trusted CA '${s.tls.ca}' does not exist in state.trustedCas`,
        });
      }
    });
  }
  return issues;
}

/** Where a trusted CA is used: bind ids (`fe/0`) and server ids (`backend/server`). */
export function caUsers(state: State, name: string): string[] {
  const out: string[] = [];
  for (const fe of state.haproxy.frontends) {
    fe.binds.forEach((b, i) => {
      if (b.tls?.clientCa === name) out.push(`${fe.id}/${i}`);
    });
  }
  for (const be of state.haproxy.backends) {
    for (const s of be.servers) if (s.tls?.ca === name) out.push(`${be.id}/${s.name}`);
  }
  return out;
}

/** Where a CRL is used: bind ids. */
export function crlUsers(state: State, name: string): string[] {
  const out: string[] = [];
  for (const fe of state.haproxy.frontends) {
    fe.binds.forEach((b, i) => {
      if (b.tls?.crl === name) out.push(`${fe.id}/${i}`);
    });
  }
  return out;
}
