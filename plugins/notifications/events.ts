/**
 * Which server-side events become notices, and how each reads. The
 * notifications plugin listens to these through the typed event bus only:
 * the core emits `apply:failed`, `apply:rolled-back`, `haproxy:process` and `auth:lockout`; the
 * stats plugin `server:down`, `server:up` and `backend:down`; the tls plugin
 * `cert:expiring`; certificate renewal and cluster plugins the rest.
 *
 * @module
 */
import type { CertFailure, Events } from "../../core/events.ts";
import type { NoticeDraft } from "./notice.ts";

type Drafter<K extends keyof Events> = (p: Events[K]) => NoticeDraft;

const iso = (ms: number) => new Date(ms).toISOString();

/** How the supervisor's kinds (core/haproxy/process.ts) read. */
const PROCESS_TITLES: Record<string, string> = {
  exited: "HAProxy exited",
  restarted: "HAProxy was restarted",
  "worker-died": "an HAProxy worker died",
  unresponsive: "HAProxy's master stopped answering",
};

/** A certificate plugin's failed issuance or renewal; both read alike but for their verb. */
function certFailureNotice(
  event: "cert:renew-failed" | "cert:issue-failed",
  p: CertFailure,
  title: string,
  verb: string,
): NoticeDraft {
  return {
    event,
    category: "cert",
    level: "error",
    title,
    message: `${verb} ${p.name} (${p.domains.join(", ")}) failed (${p.kind}): ${p.error}`,
    entity: p.certId,
    page: "/certificates",
  };
}

/** Event name → how its notice reads. */
export const EVENT_NOTICES: { [K in keyof Events]?: Drafter<K> } = {
  "apply:failed": (p) => ({
    event: "apply:failed",
    category: "apply",
    // A refused document is the writer's problem; a failed check, reload or verify is an outage risk.
    level: p.stage === "validate" ? "warning" : "error",
    title: p.stage === "validate" ? "apply refused" : `apply failed at ${p.stage}, rolled back`,
    message: `An apply by ${p.actor} ${
      p.stage === "validate" ? "was refused" : `failed at the ${p.stage} stage and was rolled back`
    }: ${p.message}`,
    entity: p.stage,
    page: "/audit",
  }),
  "apply:rolled-back": (p) => ({
    event: "apply:rolled-back",
    category: "apply",
    level: p.ok ? "warning" : "error",
    title: p.trigger === "guard"
      ? (p.ok ? "change rolled back: traffic got worse" : "automatic rollback failed")
      : (p.ok ? "change rolled back by an operator" : "rollback failed"),
    message: `Commit-confirmed window ${p.windowId}: ${p.message} (restoring ${p.rollbackTo}).`,
    entity: p.windowId,
    page: "/audit",
  }),
  "haproxy:process": (p) => ({
    event: "haproxy:process",
    category: "haproxy",
    level: p.kind === "restarted" ? "warning" : "error",
    title: PROCESS_TITLES[p.kind] ?? `HAProxy: ${p.kind}`,
    message: `The supervised HAProxy process: ${p.kind}. ${p.detail}`.trim(),
    entity: p.kind,
    page: "/dashboard",
  }),
  "server:down": (p) => ({
    event: "server:down",
    category: "server",
    level: "error",
    title: `${p.backend}/${p.server} down`,
    message: `Server ${p.server} of backend ${p.backend} failed its health checks (${p.status}).`,
    entity: `${p.backend}/${p.server}`,
    at: iso(p.at),
    page: `/backends/${encodeURIComponent(p.backend)}`,
  }),
  "server:up": (p) => ({
    event: "server:up",
    category: "server",
    level: "success",
    title: `${p.backend}/${p.server} up`,
    message: `Server ${p.server} of backend ${p.backend} is back up (${p.status}).`,
    entity: `${p.backend}/${p.server}`,
    at: iso(p.at),
    page: `/backends/${encodeURIComponent(p.backend)}`,
  }),
  "backend:down": (p) => ({
    event: "backend:down",
    category: "backend",
    level: "error",
    title: `${p.backend} has no server up`,
    message: `Backend ${p.backend} has no usable server left: its requests fail.`,
    entity: p.backend,
    at: iso(p.at),
    page: `/backends/${encodeURIComponent(p.backend)}`,
  }),
  "cert:expiring": (p) => ({
    event: "cert:expiring",
    category: "cert",
    level: p.status === "expired" ? "error" : "warning",
    title: p.status === "expired"
      ? `certificate ${p.name} expired`
      : `certificate ${p.name} expires in ${p.daysLeft} days`,
    message: `Certificate ${p.name} (${p.domains.join(", ")}) ${
      p.status === "expired" ? "expired" : "expires"
    } ${p.notAfter}; used by ${p.usedBy.join(", ") || "nothing"}.`,
    entity: p.certId,
    page: "/certificates",
  }),
  "cert:renewed": (p) => ({
    event: "cert:renewed",
    category: "cert",
    level: "success",
    title: `certificate ${p.name} renewed`,
    message: `Certificate ${p.name} (${
      p.domains.join(", ")
    }) was renewed; valid until ${p.notAfter}.`,
    entity: p.certId,
    page: "/certificates",
  }),
  "cert:renew-failed": (p) =>
    certFailureNotice("cert:renew-failed", p, `certificate ${p.name} renewal failed`, "Renewing"),
  "cert:issue-failed": (p) =>
    certFailureNotice(
      "cert:issue-failed",
      p,
      `certificate ${p.name} could not be issued`,
      "Issuing",
    ),
  "auth:lockout": (p) => ({
    event: "auth:lockout",
    category: "auth",
    level: "warning",
    title: `login locked for ${p.username}`,
    message:
      `Too many failed logins for ${p.username} (last from ${p.ip}); logins are refused for ${
        Math.ceil(p.retryAfterMs / 60_000)
      } min.`,
    entity: p.username,
    page: "/audit",
  }),
  "peers:drift": (p) => ({
    event: "peers:drift",
    category: "peer",
    level: "warning",
    title: `peer ${p.peer} drifted`,
    message: `Peer ${p.peer} runs a different state: ${p.detail}`,
    entity: p.peer,
    page: "/peers",
  }),
  "peers:unreachable": (p) => ({
    event: "peers:unreachable",
    category: "peer",
    level: "error",
    title: `peer ${p.peer} unreachable`,
    message: `Peer ${p.peer} did not answer: ${p.error}`,
    entity: p.peer,
    page: "/peers",
  }),
  "peers:pin-mismatch": (p) => ({
    event: "peers:pin-mismatch",
    category: "peer",
    level: "error",
    title: `peer ${p.peer} presented another certificate`,
    message:
      `Peer ${p.peer} (${p.url}) presented TLS certificate ${p.seen}, not the pinned ${p.pinned}; nothing was sent to it. Re-add the peer once the new certificate is verified.`,
    entity: p.peer,
    page: "/peers",
  }),
};

/** Every event name that produces a notice, for the channel-types listing. */
export const NOTICE_EVENTS = Object.keys(EVENT_NOTICES) as (keyof Events)[];
