/**
 * The plugin's one door to HAProxy's admin socket: sends a checked
 * {@link Command} and turns what comes back into a value or an HttpError of
 * the spec's envelope. An unreachable socket is a 503; HAProxy's "No such
 * ..." replies are a 404; any other text on a command that answers nothing
 * on success is HAProxy refusing it, a 502 carrying HAProxy's own words.
 *
 * @module
 */
import { badRequest, haproxyRefused, notFound, unavailable } from "../../core/errors.ts";
import type { HaproxyClient } from "../../core/haproxy/client.ts";
import type { AuditLog } from "../../core/store/audit.ts";
import type { Command } from "./command.ts";

/** How HAProxy answered a command. */
export type Reply =
  | { kind: "done"; output: string }
  | { kind: "missing"; output: string }
  | { kind: "refused"; output: string };

const MISSING = /^(No such |Unknown ACL identifier|Key not found|Unknown table)/;
/** Replies to enable/disable that mean "already so": idempotent successes. */
const ALREADY = /^(All sockets are already (enabled|disabled)|.* is already (enabled|disabled))/i;

/**
 * Classifies the reply to a mutating command. Those answer an empty line on
 * success; "already enabled/disabled" is success too.
 */
export function classifyMutation(output: string): Reply {
  const text = output.trim();
  if (text === "" || ALREADY.test(text)) return { kind: "done", output: text };
  if (MISSING.test(text)) return { kind: "missing", output: text };
  return { kind: "refused", output: text };
}

/** Classifies the reply to a `show` command: only "No such ..." is a failure. */
export function classifyRead(output: string): Reply {
  const text = output.trim();
  if (MISSING.test(text)) return { kind: "missing", output: text };
  return { kind: "done", output };
}

/** Sends checked commands to the admin socket. */
export class RuntimeApi {
  constructor(private haproxy: HaproxyClient, private timeoutMs: number) {}

  /** Any line, as sent (the console checks it first). Socket failures are a 503. */
  async raw(line: string): Promise<string> {
    const res = await this.haproxy.admin(line, this.timeoutMs);
    if (res.ok) return res.output;
    if (res.error.kind === "invalid") throw badRequest(res.error.message);
    throw unavailable(`HAProxy's admin socket is unavailable: ${res.error.message}`);
  }

  /** A mutating command whose reply the caller inspects (several targets, one may miss). */
  async attempt(cmd: Command): Promise<Reply> {
    return classifyMutation(await this.raw(cmd));
  }

  /** A `show` command; "No such ..." becomes a 404 naming `what`. */
  async read(cmd: Command, what: string): Promise<string> {
    const reply = classifyRead(await this.raw(cmd));
    if (reply.kind === "missing") throw notFound(`${what} not found (HAProxy: ${reply.output})`);
    return reply.output;
  }

  /** A mutating command: 404 for an unknown target, 502 with HAProxy's text when refused. */
  async mutate(cmd: Command, what: string): Promise<void> {
    const reply = classifyMutation(await this.raw(cmd));
    if (reply.kind === "missing") throw notFound(`${what} not found (HAProxy: ${reply.output})`);
    if (reply.kind === "refused") {
      throw haproxyRefused(`HAProxy refused '${cmd}'`, reply.output);
    }
  }
}

/** What one audited runtime operation records. */
export interface AuditedOp {
  actor: string;
  action: string;
  target: string | null;
  details?: Record<string, unknown>;
}

/**
 * Runs `fn` and records the outcome in the audit log (category `haproxy`),
 * failures included, then returns or rethrows.
 */
export async function audited<T>(audit: AuditLog, op: AuditedOp, fn: () => Promise<T>): Promise<T> {
  try {
    const result = await fn();
    audit.record({ ...op, category: "haproxy", details: op.details ?? null, outcome: "success" });
    return result;
  } catch (error) {
    audit.record({
      ...op,
      category: "haproxy",
      details: { ...op.details, error: (error as Error).message },
      outcome: "failure",
    });
    throw error;
  }
}
