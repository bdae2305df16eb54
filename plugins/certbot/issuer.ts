/**
 * Issuance and renewal, one at a time. After an apply, every letsencrypt
 * certificate without an issued lineage for its current names is requested
 * (in the background: the apply has already answered). Renewals run
 * certbot's own due-check per certificate (`force`: `--force-renewal`).
 * certbot itself runs outside the apply lock (an ACME exchange, a DNS
 * propagation wait, must not hold every apply up) and writes only its own
 * directories; runs are serialized by the issuer's own lock. What a run
 * issued is then installed under the apply lock, as one step: the lineage
 * is copied into the installed copy the render reads (install.ts) and the
 * current state is re-applied (`haproxy -c`, reload, rollback), so no
 * apply or reload ever sees half of a renewal. A failure keeps the
 * placeholder or the previous certificate, and is recorded, audited
 * (category `cert`) and emitted. While a commit-confirmed window is
 * pending the install is refused like any apply; it is deferred, tried
 * again after every apply and every `installRetrySeconds`, and lands once
 * the window has ended.
 *
 * @module
 */
import { X509Certificate } from "node:crypto";
import type { PluginHost } from "../../core/plugin.ts";
import { HttpError } from "../../core/errors.ts";
import { Mutex } from "../../core/apply/mutex.ts";
import { subjectAltNames } from "../../core/pem.ts";
import type { CertbotConfigModel } from "./schema.ts";
import { type CertbotDirs, hasLineage } from "./files.ts";
import type { CertbotRunner } from "./runner.ts";
import type { CertbotError } from "./errors.ts";
import { domainsKey, type RunRecord, RunRecords } from "./records.ts";
import { type LeCert, leCertsOf } from "./state_view.ts";
import { installLineages, notInstalled } from "./install.ts";

/** One certificate's outcome in a renewal answer. */
export interface RenewResult {
  id: string;
  ok: boolean;
  /** Whether new files were issued. */
  renewed: boolean;
  /** The served certificate's end, ISO 8601 (null when none is issued). */
  notAfter: string | null;
  error?: CertbotError;
}

/** The answer of a renewal. */
export interface RenewAnswer {
  results: RenewResult[];
  /** The reload that installed renewed files (ok with no error when nothing needed one). */
  reload: InstallOutcome;
}

/**
 * How installing issued files went: done (or nothing to do), failed (the
 * previous files stay), or deferred while a commit-confirmed window is
 * pending (installed once it has ended).
 */
export type InstallOutcome =
  | { ok: true; error: null }
  | { ok: false; error: string; deferred?: true };

/** Issues and renews; the one place certbot runs from. */
export class Issuer {
  #mutex = new Mutex();
  #records: RunRecords;
  #idle: Promise<void> = Promise.resolve();
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private host: PluginHost,
    private runner: CertbotRunner,
    private dirs: CertbotDirs,
    private config: CertbotConfigModel,
  ) {
    this.#records = new RunRecords(host.db);
  }

  /** Runs `fn` between issuances and renewals (a dry run shares certbot's directories). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#mutex.run(fn);
  }

  /** The last run of a certificate. */
  record(certId: string): RunRecord | null {
    return this.#records.get(certId);
  }

  /** Resolves once the issuance queued so far has finished (tests, shutdown). */
  settled(): Promise<void> {
    return this.#idle;
  }

  /** Stops the deferred install's retry (shutdown). */
  stop(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  /**
   * After an apply (and at start): queues issuance of what the state needs,
   * and the install of lineages not installed yet, without waiting for it.
   */
  schedule(): void {
    const run = this.#idle.then(() => this.#mutex.run(() => this.#issueNeeded()));
    this.#idle = run.catch((error) => {
      this.host.log.error("certificate issuance failed", { error: String(error) });
    });
  }

  /** Whether a certificate needs certbot now: no lineage for its names, and no recent failure. */
  needsIssue(le: LeCert, now = Date.now()): boolean {
    if (
      hasLineage(this.dirs, le.cert.id) &&
      this.#issuedFor(le.cert.id) === domainsKey(le.cert.domains)
    ) {
      return false;
    }
    const last = this.#records.get(le.cert.id);
    if (last && !last.ok && last.domains === domainsKey(le.cert.domains)) {
      return now - Date.parse(last.at) >= this.config.retryMinutes * 60_000;
    }
    return true;
  }

  async #issueNeeded(): Promise<void> {
    const all = leCertsOf(this.host.state());
    for (const le of all.filter((le) => this.needsIssue(le))) {
      await this.#certonly(le, "system", false);
    }
    // Issued now, or earlier and deferred by a commit-confirmed window.
    const waiting = notInstalled(this.dirs, all.map((le) => le.cert.id));
    if (waiting.length) await this.#install(`cert-issued:${waiting.join(",")}`);
  }

  /**
   * Renews `ids` (every letsencrypt certificate when null): certbot's
   * due-check, or `--force-renewal`; a certificate never issued is issued.
   * One reload installs every success; failures do not hold it back.
   */
  renew(ids: string[] | null, force: boolean, actor: string): Promise<RenewAnswer> {
    return this.#mutex.run(async () => {
      const all = leCertsOf(this.host.state());
      const chosen = ids ? all.filter((le) => ids.includes(le.cert.id)) : all;
      const results: RenewResult[] = [];
      for (const le of chosen) {
        const needsCertonly = !hasLineage(this.dirs, le.cert.id) ||
          this.#issuedFor(le.cert.id) !== domainsKey(le.cert.domains);
        results.push(
          needsCertonly
            ? await this.#certonly(le, actor, force)
            : await this.#renewOne(le, actor, force),
        );
      }
      const waiting = notInstalled(this.dirs, all.map((le) => le.cert.id));
      const reload: InstallOutcome = waiting.length
        ? await this.#install(`cert-renewed:${waiting.join(",")}`)
        : { ok: true, error: null };
      return { results, reload };
    });
  }

  async #certonly(le: LeCert, actor: string, force: boolean): Promise<RenewResult> {
    const before = await this.runner.leaf(le.cert.id);
    const run = await this.runner.run(this.runner.certonlyArgs(le.provider, le.cert, { force }));
    const after = await this.runner.leaf(le.cert.id);
    const renewed = run.ok && after !== null && after !== before;
    return await this.#finish(le, "issue", actor, run.ok ? null : run.error, renewed, after);
  }

  async #renewOne(le: LeCert, actor: string, force: boolean): Promise<RenewResult> {
    const before = await this.runner.leaf(le.cert.id);
    const run = await this.runner.run(this.runner.renewArgs(le.cert, force));
    const after = await this.runner.leaf(le.cert.id);
    const renewed = run.ok && after !== null && after !== before;
    return await this.#finish(le, "renew", actor, run.ok ? null : run.error, renewed, after);
  }

  async #finish(
    le: LeCert,
    action: "issue" | "renew",
    actor: string,
    error: CertbotError | null,
    renewed: boolean,
    leaf: string | null,
  ): Promise<RenewResult> {
    const { cert } = le;
    const notAfter = leaf ? new X509Certificate(leaf).validToDate.toISOString() : null;
    this.#records.put(cert.id, {
      action,
      at: new Date().toISOString(),
      ok: error === null,
      renewed,
      domains: domainsKey(cert.domains),
      error,
    });
    this.host.audit.record({
      actor,
      category: "cert",
      action,
      target: cert.id,
      details: {
        provider: le.provider.id,
        domains: cert.domains,
        renewed,
        notAfter,
        ...(error ? { error: { ...error, output: error.output.slice(-1024) } } : {}),
      },
      outcome: error ? "failure" : "success",
    });
    const base = { certId: cert.id, name: cert.name, domains: cert.domains };
    if (error) {
      await this.host.emit(action === "issue" ? "cert:issue-failed" : "cert:renew-failed", {
        ...base,
        error: error.message,
        kind: error.kind,
        ...(error.domain ? { domain: error.domain } : {}),
        ...(error.detail ? { detail: error.detail } : {}),
      });
    } else if (renewed && notAfter) {
      await this.host.emit("cert:renewed", { ...base, notAfter });
    }
    return {
      id: cert.id,
      ok: error === null,
      renewed,
      notAfter,
      ...(error ? { error } : {}),
    };
  }

  /** The names the issued leaf was issued for, as a records key, or null. */
  #issuedFor(certId: string): string | null {
    try {
      const pem = Deno.readTextFileSync(`${this.dirs.config}/live/${certId}/cert.pem`);
      return domainsKey(subjectAltNames(new X509Certificate(pem)));
    } catch {
      return null;
    }
  }

  /**
   * Installs what certbot issued: under the apply lock, the lineages not
   * installed yet are copied into the installed copies and the current
   * state is re-applied, so the bundles are rendered, checked and reloaded
   * as one change. A failed re-apply puts the previous copies back. Refused
   * during a commit-confirmed window: deferred, and tried again later.
   */
  async #install(reason: string): Promise<InstallOutcome> {
    try {
      await this.host.exclusive(async (apply) => {
        const state = this.host.state();
        const ids = notInstalled(this.dirs, leCertsOf(state).map((le) => le.cert.id));
        if (!ids.length) return;
        const undo = await installLineages(this.dirs, ids);
        try {
          await apply(structuredClone(state), { actor: "system", reason });
        } catch (error) {
          await undo();
          throw error;
        }
      });
      return { ok: true, error: null };
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (error instanceof HttpError && error.status === 409 && "pending" in error.body) {
        this.host.log.info("installing certificates waits for the commit-confirmed window", {
          reason,
        });
        this.#retryLater();
        return {
          ok: false,
          error: `deferred: ${message}; installed once the window has ended`,
          deferred: true,
        };
      }
      this.host.log.error("installing certificates failed", { error: message });
      // Waited too long for the apply lock (503): the lineage is fine; try again later.
      if (error instanceof HttpError && error.status === 503) this.#retryLater();
      return { ok: false, error: message };
    }
  }

  /** Tries a deferred (or lock-timed-out) install again in `installRetrySeconds`; armed once. */
  #retryLater(): void {
    if (this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.schedule();
    }, this.config.installRetrySeconds * 1000);
  }
}
