// deno-lint-ignore-file no-explicit-any
/**
 * Test support: a real daemon with a real embedded HAProxy in a temp data
 * directory, on free loopback ports, plus loopback HTTP backends. Every
 * end-to-end test builds its own and tears it down.
 *
 * @module
 */
import {
  type Daemon,
  type DaemonOptions,
  type DaemonStopOptions,
  startDaemon,
} from "../../app/daemon.ts";
import type { Role } from "../../core/plugin.ts";

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A response as tests read it. */
export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * Who a test request is sent as: the admin's API token (the default),
 * nobody, another API token's wire value, or a cookie session.
 */
export type As = "admin" | "anonymous" | string | { cookie: string; csrfToken?: string };

/** Per-request options for {@link TestDaemon.api}. */
export interface ApiOptions {
  as?: As;
}

/** A cookie session started through `POST /api/auth/login`. */
export interface LoginResult {
  status: number;
  /** `patchpanel.sid=<id>`, ready for a Cookie header ("" when login failed). */
  cookie: string;
  /** The raw Set-Cookie header. */
  setCookie: string;
  csrfToken: string;
  body: any;
}

/** The admin every test daemon starts with (unless `setup: false`). */
export const TEST_ADMIN = { username: "admin", password: "admin-password-123" } as const;

/**
 * Data directories {@link startTestDaemon} made: removed when the test process
 * ends (not at stop, since restart tests start again on the same directory).
 */
const madeDirs = new Set<string>();
globalThis.addEventListener("unload", () => {
  for (const dir of madeDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already removed by the test */ }
  }
});

/** A started daemon plus request helpers. */
export interface TestDaemon extends Daemon {
  dataDir: string;
  /**
   * Stops the daemon and, unlike a production stop, its embedded HAProxy too
   * (`{haproxy: false}` leaves it serving, as a daemon restart does), so no
   * test leaks a process.
   */
  stop(opts?: DaemonStopOptions): Promise<void>;
  /**
   * Sends a request; JSON bodies are encoded, JSON answers decoded. It
   * authenticates as the admin's API token unless `headers` carry their own
   * `authorization` or `cookie`, or `opts.as` says otherwise.
   */
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    opts?: ApiOptions,
  ): Promise<ApiResponse<T>>;
  /** The admin's API token (wire format); "" when started with `setup: false`. */
  adminToken: string;
  /** Creates a user directly in the database (no HTTP, no rate limit). */
  addUser(username: string, role: Role, password?: string): Promise<void>;
  /** Mints an API token directly (creator defaults to the test admin). */
  mintToken(role: Role, opts?: { name?: string; expiresAt?: string; createdBy?: string }): Promise<
    string
  >;
  /** Logs in over HTTP and returns the session cookie. */
  login(username?: string, password?: string): Promise<LoginResult>;
}

/** Options for {@link startTestDaemon}. */
export interface TestDaemonOptions extends Omit<DaemonOptions, "config"> {
  config?: Record<string, unknown>;
  /** Reuse a data directory (restart tests). */
  dataDir?: string;
  /** Initial state to apply once started. */
  state?: unknown;
  /** Create the test admin and its API token (default true); false leaves first-run setup open. */
  setup?: boolean;
}

/** Test defaults: cheap bcrypt and rate limits no ordinary test reaches. */
const TEST_AUTH = { bcryptCost: 4 };
const TEST_RATE_LIMIT = {
  authMax: 100_000,
  writeMax: 100_000,
  readMax: 1_000_000,
};

/** Starts a daemon on plain HTTP (loopback, free port) in its own temp data dir. */
export async function startTestDaemon(opts: TestDaemonOptions = {}): Promise<TestDaemon> {
  const dataDir = opts.dataDir ?? await Deno.makeTempDir({ prefix: "pp-test-" });
  if (!opts.dataDir) madeDirs.add(dataDir);
  const daemon = await startDaemon({
    ...opts,
    config: {
      dataDir,
      listen: "127.0.0.1:0",
      https: { enabled: false },
      logging: { quiet: true },
      ...opts.config,
      auth: { ...TEST_AUTH, ...(opts.config?.auth as Record<string, unknown> | undefined) },
      rateLimit: {
        ...TEST_RATE_LIMIT,
        ...(opts.config?.rateLimit as Record<string, unknown> | undefined),
      },
    },
  });
  const addUser = async (username: string, role: Role, password = `${username}-password-123`) => {
    const created = daemon.auth.users.create(username, await daemon.auth.hash(password), role);
    if (!created.ok) throw new Error(`addUser ${username}: ${created.error.kind}`);
  };
  const mintToken = async (
    role: Role,
    o: { name?: string; expiresAt?: string; createdBy?: string } = {},
  ) => {
    const minted = await daemon.auth.tokens.mint(
      o.name ?? `test-${role}`,
      role,
      o.createdBy ?? TEST_ADMIN.username,
      o.expiresAt ?? null,
    );
    return minted.wire;
  };
  let adminToken = "";
  if (opts.setup !== false) {
    try {
      if (!daemon.auth.users.get(TEST_ADMIN.username)) {
        await addUser(TEST_ADMIN.username, "admin", TEST_ADMIN.password);
      }
      adminToken = await mintToken("admin", { name: "test-admin" });
    } catch (error) {
      await daemon.stop({ haproxy: true });
      throw error;
    }
  }
  // Over HTTPS, trust the daemon's own certificate (self-signed, or the configured one).
  const client = daemon.url.startsWith("https:")
    ? Deno.createHttpClient({
      caCerts: [
        await Deno.readTextFile(daemon.config.https.certFile ?? `${daemon.paths.tls}/cert.pem`),
      ],
    })
    : undefined;
  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    o: ApiOptions = {},
  ) => {
    const h = new Headers(headers);
    const as = o.as ?? "admin";
    if (!h.has("authorization") && !h.has("cookie")) {
      if (typeof as === "object") {
        h.set("cookie", as.cookie);
        if (as.csrfToken && !h.has("x-csrf-token")) h.set("x-csrf-token", as.csrfToken);
      } else if (as === "admin") {
        if (adminToken) h.set("authorization", `Bearer ${adminToken}`);
      } else if (as !== "anonymous") h.set("authorization", `Bearer ${as}`);
    }
    let payload: BodyInit | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      if (!h.has("content-type")) h.set("content-type", "application/json");
    }
    const res = await fetch(`${daemon.url}${path}`, {
      method,
      headers: h,
      body: payload,
      client,
    });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as any, text };
  };
  const login = async (
    username: string = TEST_ADMIN.username,
    password: string = username === TEST_ADMIN.username
      ? TEST_ADMIN.password
      : `${username}-password-123`,
  ): Promise<LoginResult> => {
    const res = await api("POST", "/api/auth/login", { username, password }, {}, {
      as: "anonymous",
    });
    const setCookie = res.headers.get("set-cookie") ?? "";
    const cookie = res.status === 200 ? setCookie.split(";")[0] : "";
    return {
      status: res.status,
      cookie,
      setCookie,
      csrfToken: res.body?.csrfToken ?? "",
      body: res.body,
    };
  };
  const stop = async (stopOpts: DaemonStopOptions = {}) => {
    client?.close();
    await daemon.stop({ haproxy: true, ...stopOpts });
  };
  const test: TestDaemon = {
    ...daemon,
    stop,
    dataDir,
    api,
    adminToken,
    addUser,
    mintToken,
    login,
  };
  if (opts.state !== undefined) {
    const res = await api("PUT", "/api/state", opts.state);
    if (res.status !== 200) {
      await stop();
      throw new Error(`initial apply failed: ${res.status} ${res.text}`);
    }
  }
  return test;
}

/** A loopback HTTP backend that answers with its name and counts hits. */
export interface Backend {
  port: number;
  address: string;
  hits: number;
  close(): Promise<void>;
}

/** Starts a loopback backend answering `name` (optionally with a delay or a status). */
export function startBackend(
  name: string,
  opts: { status?: number; delayMs?: number } = {},
): Backend {
  const b: Backend = {
    port: 0,
    address: "",
    hits: 0,
    close: () => server.shutdown(),
  };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, async () => {
    b.hits++;
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    return new Response(name, { status: opts.status ?? 200 });
  });
  b.port = (server.addr as Deno.NetAddr).port;
  b.address = `127.0.0.1:${b.port}`;
  return b;
}

/** A small valid state: one frontend on `frontendPort` → backend `app` with the given servers. */
export function simpleState(
  frontendPort: number,
  servers: { name: string; address: string; weight?: number; check?: boolean }[],
): Record<string, unknown> {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe-main",
        binds: [{ address: `127.0.0.1:${frontendPort}` }],
        defaultBackend: "app",
      }],
      backends: [{
        id: "app",
        balance: { algorithm: "roundrobin" },
        servers: servers.map((s) => ({ check: false, ...s })),
      }],
    },
    acls: [],
  };
}

/**
 * GETs through HAProxy and returns status and body text ("" and 0 on a refused connection).
 * Each call uses a new connection: after a reload the old worker answers one more request on
 * an idle keep-alive connection (`option idle-close-on-response`), which would be the old config.
 */
export async function through(
  port: number,
  path = "/",
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers, client });
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: "" };
  } finally {
    client.close();
  }
}

/** Polls `fn` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  fn: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  stepMs = 50,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return await fn();
}
