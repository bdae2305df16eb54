/**
 * The renewal timer: certbot's own due-check for every letsencrypt
 * certificate, every `renewIntervalHours` (12: twice a day) plus a random
 * delay of up to `jitterMinutes`, so a fleet does not hit the CA at once.
 * Runs through the issuer's queue, so it never overlaps an issuance or
 * another renewal, and installs through the apply pipeline's lock; every
 * run is audited.
 *
 * @module
 */
import type { PluginHost } from "../../core/plugin.ts";
import type { CertbotConfigModel } from "./schema.ts";
import type { Issuer, RenewAnswer } from "./issuer.ts";
import { leCertsOf } from "./state_view.ts";

/**
 * A run's audit outcome: a failure when a certificate failed or installing
 * failed. An install deferred by a commit-confirmed window is not a
 * failure: it lands once the window has ended.
 */
export function runOutcome(answer: RenewAnswer): "success" | "failure" {
  const installed = answer.reload.ok || answer.reload.deferred === true;
  return answer.results.every((r) => r.ok) && installed ? "success" : "failure";
}

/** Schedules renewal runs. */
export class RenewTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    private host: PluginHost,
    private issuer: Issuer,
    private config: CertbotConfigModel,
  ) {}

  /** The delay before the next run, in ms. */
  nextDelay(random = Math.random()): number {
    const { renewIntervalHours, jitterMinutes } = this.config;
    return Math.round(renewIntervalHours * 3_600_000 + random * jitterMinutes * 60_000);
  }

  /** Starts the loop. */
  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  /** Stops it. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.run().finally(() => this.#arm()), this.nextDelay());
  }

  /** One due-check run over every letsencrypt certificate. */
  async run(): Promise<void> {
    try {
      if (!leCertsOf(this.host.state()).length) return;
      const answer = await this.issuer.renew(null, false, "system");
      this.host.audit.record({
        actor: "system",
        category: "cert",
        action: "renewal-run",
        details: {
          results: answer.results.map((r) => ({ id: r.id, ok: r.ok, renewed: r.renewed })),
          reload: answer.reload,
        },
        outcome: runOutcome(answer),
      });
    } catch (error) {
      this.host.log.error("renewal run failed", { error: String(error) });
    }
  }
}
