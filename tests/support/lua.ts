// deno-lint-ignore-file no-explicit-any
/**
 * Test support for Lua plugins: a state with a frontend whose rules use Lua
 * names, a loopback backend that echoes one request header, and one
 * request through HAProxy on a fresh connection with its response headers.
 *
 * @module
 */

/** A backend answering `<name> <value of header>`, so a test sees what HAProxy sent. */
export function echoBackend(name: string, header: string) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => new Response(`${name} ${req.headers.get(header) ?? "-"}`),
  );
  const port = (server.addr as Deno.NetAddr).port;
  return { address: `127.0.0.1:${port}`, close: () => server.shutdown() };
}

/** A state: each frontend on its port with its rules → backend `app`, plus `lua`. */
export function luaState(
  frontends: { id: string; port: number; rules: string[] }[],
  backend: string,
  plugins: unknown[],
): any {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: frontends.map((f) => ({
        id: f.id,
        binds: [{ address: `127.0.0.1:${f.port}` }],
        httpRequest: f.rules.map((action) => ({ action })),
        defaultBackend: "app",
      })),
      backends: [{
        id: "app",
        balance: { algorithm: "roundrobin" },
        servers: [{ name: "a", address: backend, check: false }],
      }],
    },
    acls: [],
    lua: { plugins },
  };
}

/** One request through HAProxy on its own connection: status, headers, body ("" / 0 if refused). */
export async function send(
  port: number,
  init: { method?: string; headers?: Record<string, string>; path?: string } = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(`http://127.0.0.1:${port}${init.path ?? "/"}`, {
      method: init.method ?? "GET",
      headers: init.headers,
      client,
    });
    return { status: res.status, headers: res.headers, body: await res.text() };
  } catch {
    return { status: 0, headers: new Headers(), body: "" };
  } finally {
    client.close();
  }
}

/** A script with its manifest in the leading block. */
export function withManifest(manifest: Record<string, unknown>, body: string): string {
  return `--[[patchpanel\n${JSON.stringify(manifest)}\n]]\n${body}\n`;
}
