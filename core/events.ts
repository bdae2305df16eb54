/**
 * The closed, typed set of events plugins can listen to and emit.
 *
 * Plugins add their own events by declaration merging, so an unknown event
 * name is a type error rather than a silent no-op:
 *
 * ```ts
 * declare module "../../core/events.ts" {
 *   interface Events { "server:down": { backend: string; server: string } }
 * }
 * ```
 *
 * @module
 */
import type { State } from "./state/schema.ts";

/** Where a failed apply stopped. */
export type ApplyFailedStage = "validate" | "render" | "check" | "reload" | "verify";

/**
 * A certificate plugin's failed issuance or renewal, as notices and audit
 * readers need it: which certificate, one line for people, and a kind a
 * pipeline can branch on (the certbot plugin's kinds: `rate-limited`,
 * `validation-failed`, `unauthorized`, `dns-timeout`, `certbot-missing`,
 * `other`).
 */
export interface CertFailure {
  /** The certificate's id in `state.tls.certs`. */
  certId: string;
  /** Its name (the file name of its material). */
  name: string;
  /** The names it was to cover. */
  domains: string[];
  /** One line for people. */
  error: string;
  /** What went wrong, for a pipeline to branch on. */
  kind: string;
  /** The failing domain, when the CA names one. */
  domain?: string;
  /** The CA's detail for it. */
  detail?: string;
}

/** Event name → payload. */
export interface Events {
  /** A state was applied and HAProxy runs it. */
  "apply:succeeded": {
    actor: string;
    reason: string | null;
    snapshotId: string;
    state: State;
    durationMs: number;
  };
  /** An apply was refused or rolled back; `stage` says where it stopped. */
  "apply:failed": {
    actor: string;
    reason: string | null;
    stage: ApplyFailedStage;
    message: string;
    durationMs: number;
    /** The plugin whose render hook or check failed the apply, when one did. */
    plugin?: string;
  };
  /**
   * A commit-confirmed window's change was rolled back: a guard tripped (`trigger: guard`)
   * or an operator cancelled it (`cancel`); `ok` false when the rollback itself failed.
   */
  "apply:rolled-back": {
    actor: string;
    windowId: string;
    trigger: "guard" | "cancel";
    /** The snapshot restored (the state before the window). */
    rollbackTo: string;
    /** The snapshot the rollback's apply recorded; null when it failed. */
    snapshotId: string | null;
    ok: boolean;
    message: string;
  };
  /** The supervised HAProxy process was restarted or exited. */
  "haproxy:process": { kind: string; detail: string };
  /** A server went from up to down (the stats sampler; plugins/stats declares the same). */
  "server:down": { backend: string; server: string; status: string; at: number };
  /** A server went from down back to up (the stats sampler). */
  "server:up": { backend: string; server: string; status: string; at: number };
  /** A backend has no usable server left (the stats sampler). */
  "backend:down": { backend: string; at: number };
  /** A certificate is within `tls.expiryWarningDays` of expiry or past it; once a day (the tls plugin). */
  "cert:expiring": {
    certId: string;
    providerId: string;
    name: string;
    domains: string[];
    notAfter: string;
    daysLeft: number;
    status: "expiring" | "expired";
    usedBy: string[];
  };
  /** An account's failed logins reached `auth.loginFailureMax`: logins are refused for a while. */
  "auth:lockout": { username: string; ip: string; retryAfterMs: number };
  /** A certificate was renewed (for the certificate plugins that renew). */
  "cert:renewed": { certId: string; name: string; domains: string[]; notAfter: string };
  /** A certificate's renewal failed; the old one stays in service until it expires. */
  "cert:renew-failed": CertFailure;
  /** A certificate could not be issued; the placeholder (or the previous one) stays in service. */
  "cert:issue-failed": CertFailure;
  /** A peer's state or files became different from this node's; once per change (the peers plugin). */
  "peers:drift": { peer: string; detail: string };
  /** A peer stopped answering a push or a drift check; once until it answers again (the peers plugin). */
  "peers:unreachable": { peer: string; error: string };
  /** A peer presented another TLS certificate than the one pinned; nothing was sent (the peers plugin). */
  "peers:pin-mismatch": { peer: string; url: string; pinned: string; seen: string };
}

/** A listener for one event. */
export type Listener<K extends keyof Events> = (payload: Events[K]) => void | Promise<void>;

/**
 * A tiny typed emitter. Listener errors are caught and reported, never
 * allowed to break the emitter (an apply must not fail because a
 * notification plugin threw).
 */
export class EventBus {
  #listeners = new Map<keyof Events, { listener: Listener<keyof Events>; owner?: string }[]>();
  /** `owner` is the plugin a failing listener belongs to, when one registered it. */
  constructor(private onError: (event: string, error: unknown, owner?: string) => void) {}

  /** Subscribes to an event; `owner` names the subscribing plugin in failure reports. */
  on<K extends keyof Events>(event: K, listener: Listener<K>, owner?: string): void {
    const list = this.#listeners.get(event) ?? [];
    list.push({ listener: listener as Listener<keyof Events>, owner });
    this.#listeners.set(event, list);
  }

  /** Emits an event to every listener; resolves when all have settled. */
  async emit<K extends keyof Events>(event: K, payload: Events[K]): Promise<void> {
    for (const { listener, owner } of this.#listeners.get(event) ?? []) {
      try {
        await listener(payload);
      } catch (error) {
        this.onError(String(event), error, owner);
      }
    }
  }
}
