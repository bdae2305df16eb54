/**
 * Turns notices into deliveries. Server-side events go through flood
 * control into the outbox, and a background loop delivers due rows, each
 * attempt bounded by the channel's timeout and audited (category
 * `notification`). Tests and manual dispatches are sent at once, for the
 * caller's answer, and audited the same way.
 *
 * @module
 */
import type { AuditLog } from "../../core/store/audit.ts";
import type { Logger } from "../../core/log.ts";
import { Coalescer } from "./coalesce.ts";
import { linkTo, matches, type Notice, type NoticeDraft } from "./notice.ts";
import { MAX_ATTEMPTS, Outbox, type OutboxRow } from "./outbox.ts";
import { type Channel, levelRank } from "./schema.ts";
import { scrub, sendTo } from "./channel_types.ts";
import { DeliveryError } from "./http_post.ts";

/** The plugin's config.yaml section (`notifications`). */
export interface DispatchConfig {
  /** Flood-control window, ms. */
  coalesceMs: number;
  /** Delay before the second attempt, ms; the third waits four times as long. */
  retryBaseMs: number;
  /** The console's public URL, to make links absolute; null: links are paths. */
  consoleUrl: string | null;
}

/** What one delivery attempt came to: what `POST /api/notifications/test` answers. */
export interface AttemptResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error?: string;
}

/** Delivery, for one daemon. */
export class Dispatcher {
  readonly outbox: Outbox;
  #coalescer: Coalescer;
  #busy = new Set<number>();
  #inflight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #abort = new AbortController();

  constructor(
    private deps: {
      outbox: Outbox;
      audit: AuditLog;
      log: Logger;
      channels: () => Channel[];
      config: DispatchConfig;
    },
  ) {
    this.outbox = deps.outbox;
    this.#coalescer = new Coalescer(deps.config.coalesceMs, (n) => this.#enqueue(n));
  }

  /** Builds the notice of a draft (now, one occurrence, its link). */
  notice(draft: NoticeDraft): Notice {
    const { page, ...rest } = draft;
    return {
      ...rest,
      at: draft.at ?? new Date().toISOString(),
      count: 1,
      link: linkTo(this.deps.config.consoleUrl, page),
    };
  }

  /** A server-side event: flood control, then the outbox. Never waits on a receiver. */
  notify(draft: NoticeDraft): void {
    this.#coalescer.push(this.notice(draft));
  }

  /** The enabled channels whose filters let `n` through. */
  targets(n: Pick<Notice, "event" | "category" | "level">): Channel[] {
    return this.deps.channels().filter((c) => c.enabled && matches(c, n, levelRank));
  }

  #enqueue(n: Notice): void {
    const targets = this.targets(n);
    for (const c of targets) this.outbox.add(c.id, n);
    if (targets.length) this.#kick(0);
  }

  /** Starts the delivery loop; rows left pending by the last run are due at once. */
  start(): void {
    this.#running = true;
    this.#abort = new AbortController();
    this.outbox.prune();
    const resumed = this.outbox.resumeAll();
    if (resumed) this.deps.log.info(`resuming ${resumed} pending notification(s)`);
    this.#kick(0);
  }

  /**
   * Stops the loop: open flood-control windows are flushed into the outbox
   * and attempts in flight are cancelled, their rows left pending for the
   * next start.
   */
  async stop(): Promise<void> {
    this.#coalescer.flush();
    this.#running = false;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await Promise.allSettled([...this.#inflight]);
  }

  #kick(delayMs: number): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, delayMs));
  }

  #tick(): void {
    if (!this.#running) return;
    for (const row of this.outbox.due(20, this.#busy)) {
      this.#busy.add(row.id);
      const p = this.#deliver(row).finally(() => {
        this.#busy.delete(row.id);
        this.#inflight.delete(p);
        this.#schedule();
      });
      this.#inflight.add(p);
    }
    this.#schedule();
  }

  /** The next tick: when the next row falls due (at most 30 s away, re-checked then). */
  #schedule(): void {
    const next = this.outbox.nextDue();
    if (next === null) return;
    const wait = Math.min(30_000, Math.max(20, next - Date.now()));
    // Rows in flight are not due again: wait for them to settle rather than spin.
    if (this.#busy.size && wait <= 20) return;
    this.#kick(wait);
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const channel = this.deps.channels().find((c) => c.id === row.channelId);
    if (!channel || !channel.enabled) {
      const reason = channel ? "channel disabled" : "channel removed";
      this.outbox.drop(row.id, reason);
      this.#audit("system", "deliver", row.channelId, row.notice, {
        ok: false,
        status: null,
        latencyMs: 0,
        error: reason,
      }, { attempt: row.attempts, outboxId: row.id });
      return;
    }
    const signal = this.#abort.signal;
    const result = await this.attempt(channel, row.notice, signal);
    if (signal.aborted && !result.ok) return; // stopping: the row stays pending, uncounted
    const attempts = row.attempts + 1;
    if (result.ok) {
      this.outbox.sent(row.id, attempts, result.status ?? 0);
    } else {
      const retryAt = attempts < MAX_ATTEMPTS
        ? Date.now() + this.deps.config.retryBaseMs * 4 ** (attempts - 1)
        : null;
      this.outbox.failed(row.id, attempts, result.status, result.error ?? "failed", retryAt);
    }
    this.#audit("system", "deliver", channel.id, row.notice, result, {
      attempt: attempts,
      outboxId: row.id,
      final: result.ok || attempts >= MAX_ATTEMPTS,
    });
  }

  /** One attempt: never throws; the error text never carries the channel's secrets. */
  async attempt(channel: Channel, n: Notice, signal?: AbortSignal): Promise<AttemptResult> {
    const t0 = performance.now();
    try {
      const d = await sendTo(channel, n, signal);
      return { ok: true, status: d.status, latencyMs: Math.round(performance.now() - t0) };
    } catch (error) {
      const status = error instanceof DeliveryError ? error.status : null;
      return {
        ok: false,
        status,
        latencyMs: Math.round(performance.now() - t0),
        error: scrub(error instanceof Error ? error.message : String(error), channel),
      };
    }
  }

  /** Sends now on a caller's behalf (test, dispatch) and audits it under the caller's name. */
  async sendNow(
    actor: string,
    action: "test" | "dispatch",
    channel: Channel,
    n: Notice,
  ): Promise<AttemptResult> {
    const result = await this.attempt(channel, n, this.#abort.signal);
    this.outbox.recordDone(channel.id, n, result); // the page's "last delivery"
    this.#audit(actor, action, channel.id, n, result, { attempt: 1 });
    return result;
  }

  #audit(
    actor: string,
    action: string,
    channelId: string,
    n: Notice,
    r: AttemptResult,
    extra: Record<string, unknown>,
  ): void {
    this.deps.audit.record({
      actor,
      category: "notification",
      action,
      target: channelId,
      details: {
        event: n.event,
        title: n.title,
        count: n.count,
        status: r.status,
        latencyMs: r.latencyMs,
        ...(r.error ? { error: r.error } : {}),
        ...extra,
      },
      outcome: r.ok ? "success" : "failure",
    });
  }
}
