/**
 * Test helpers for plugin authors: a real daemon (real HAProxy, real
 * database, real guards) in a temp data directory, with the plugin set a
 * test chooses, answering requests in memory — no API listener, no port.
 *
 * Use it with `tests/plugin_contract.ts` (the contract suite every plugin
 * passes) or on its own for a plugin's behaviour tests.
 *
 * @example
 * ```ts
 * import { startHarness } from "./testing.ts";
 * import { definePlugin } from "./mod.ts";
 *
 * const hello = definePlugin({
 *   name: "hello",
 *   setup(host) {
 *     host.route("GET", "/api/hello", { role: "viewer", tier: "read" }, () => ({ hi: 1 }));
 *   },
 * });
 * const h = await startHarness({ plugins: [hello] });
 * try {
 *   const res = await h.request("GET", "/api/hello", undefined, { as: "viewer" });
 *   console.log(res.status, res.body); // 200 { hi: 1 }
 * } finally {
 *   await h.stop();
 * }
 * ```
 *
 * @module
 */
import type { Daemon } from "./core/daemon.ts";
import { startDaemon } from "./app/daemon.ts";
import type { Plugin, Role } from "./core/plugin.ts";

/** How to start a {@link Harness}. */
export interface HarnessOptions {
  /** The plugins beyond the core (a plugin under test plus those it depends on). */
  plugins?: Plugin[];
  /** config.yaml values, merged over the harness's (quiet logs, cheap bcrypt, no HTTPS). */
  config?: Record<string, unknown>;
  /** A state applied (as the admin, through `PUT /api/state`) once started. */
  state?: unknown;
  /** Reuse a data directory (a restart); by default a temp one, removed at stop. */
  dataDir?: string;
}

/**
 * Who a harness request is sent as: the harness admin's API token (the
 * default), nobody, a token of a lower role minted on first use, or a
 * given `Authorization` value.
 */
export type RequestAs = "admin" | "anonymous" | Role | { authorization: string };

/** Per-request options for {@link Harness.request}. */
export interface RequestOptions {
  /** Who sends it (default the admin). */
  as?: RequestAs;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** An answer as a test reads it: JSON decoded when the answer is JSON. */
export interface HarnessResponse<T = unknown> {
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** The decoded JSON body, or the text when the answer is not JSON. */
  body: T;
  /** The raw body text. */
  text: string;
}

/** A started daemon answering requests in memory. */
export interface Harness {
  /** The daemon itself (registry, pipeline, stores), for what a request cannot show. */
  daemon: Daemon;
  /** The data directory it runs in. */
  dataDir: string;
  /**
   * Sends one request through the daemon's guards and routes, in memory. A
   * body that is not a string is sent as JSON; a string is sent as is.
   */
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    opts?: RequestOptions,
  ): Promise<HarnessResponse<T>>;
  /** Stops the daemon and its HAProxy, and removes a temp data directory. */
  stop(): Promise<void>;
}

/** The harness admin, created in every harness's database. */
export const HARNESS_ADMIN = { username: "admin", password: "harness-password-123" } as const;

/** Starts a daemon with `opts.plugins`, an admin user and its API token; applies `opts.state`. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? await Deno.makeTempDir({ prefix: "pp-harness-" });
  const made = opts.dataDir === undefined;
  const cfg = opts.config ?? {};
  let daemon: Daemon;
  try {
    daemon = await startDaemon({
      plugins: opts.plugins ?? [],
      listen: false,
      config: {
        dataDir,
        listen: "127.0.0.1:0",
        https: { enabled: false },
        logging: { quiet: true },
        ...cfg,
        auth: { bcryptCost: 4, ...(cfg.auth as Record<string, unknown> | undefined) },
        rateLimit: {
          authMax: 100_000,
          writeMax: 100_000,
          readMax: 1_000_000,
          ...(cfg.rateLimit as Record<string, unknown> | undefined),
        },
      },
    });
  } catch (error) {
    if (made) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    throw error;
  }
  const tokens = new Map<string, string>();
  const tokenFor = async (role: Role): Promise<string> => {
    const known = tokens.get(role);
    if (known) return known;
    const minted = await daemon.auth.tokens.mint(`harness-${role}`, role, "admin", null);
    tokens.set(role, minted.wire);
    return minted.wire;
  };
  const stop = async () => {
    await daemon.stop({ haproxy: true });
    if (made) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  try {
    if (!daemon.auth.users.get(HARNESS_ADMIN.username)) {
      const hash = await daemon.auth.hash(HARNESS_ADMIN.password);
      const created = daemon.auth.users.create(HARNESS_ADMIN.username, hash, "admin");
      if (!created.ok) throw new Error(`harness admin: ${created.error.kind}`);
    }
    await tokenFor("admin");
  } catch (error) {
    await stop();
    throw error;
  }
  const request = async <T>(
    method: string,
    path: string,
    body?: unknown,
    o: RequestOptions = {},
  ): Promise<HarnessResponse<T>> => {
    const headers = new Headers(o.headers);
    const as = o.as ?? "admin";
    if (typeof as === "object") headers.set("authorization", as.authorization);
    else if (as !== "anonymous") headers.set("authorization", `Bearer ${await tokenFor(as)}`);
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const res = await daemon.fetch(
      new Request(`http://127.0.0.1${path}`, { method, headers, body: payload }),
    );
    const text = await res.text();
    const json = (res.headers.get("content-type") ?? "").includes("json") && text !== "";
    return {
      status: res.status,
      headers: res.headers,
      body: (json ? JSON.parse(text) : text) as T,
      text,
    };
  };
  const harness: Harness = { daemon, dataDir, request, stop };
  if (opts.state !== undefined) {
    const res = await request("PUT", "/api/state", opts.state);
    if (res.status !== 200) {
      await stop();
      throw new Error(`the harness's initial apply failed: ${res.status} ${res.text}`);
    }
  }
  return harness;
}
