/**
 * Test support: a private ACME CA on loopback. Debian's `pebble` with a
 * listener certificate the test makes (from its own root, which certbot
 * trusts through `caBundle`), `PEBBLE_VA_NOSLEEP=1`, its HTTP-01 port
 * pointed at an HAProxy frontend, and a DNS server: `pebble-challtestsrv`
 * answering every name with 127.0.0.1, or a given one (a local `named`).
 *
 * @module
 */
import { join } from "node:path";
import { freePort, waitFor } from "./daemon.ts";
import { makeRootCa } from "./pki.ts";

/** A running pebble. */
export interface Pebble {
  /** The ACME directory URL. */
  directory: string;
  /** The CA bundle certbot (and curl) trust pebble's listener with. */
  caBundle: string;
  /** pebble's issuing root (from its management API), PEM. */
  root(): Promise<string>;
  /** Makes the test DNS answer `host` with `address` (challtestsrv only). */
  addA(host: string, address: string): Promise<void>;
  stop(): Promise<void>;
}

/** What {@link startPebble} needs. */
export interface PebbleOptions {
  /** The port pebble's HTTP-01 validation connects to (an HAProxy frontend's). */
  httpPort: number;
  /** A DNS server `host:port`; default: a pebble-challtestsrv answering 127.0.0.1. */
  dnsServer?: string;
  /** A temp directory for pebble's files. */
  dir: string;
}

async function spawnLogged(
  cmd: string,
  args: string[],
  log: string,
  env: Record<string, string> = {},
) {
  const file = await Deno.open(log, { write: true, create: true, append: true });
  const child = new Deno.Command(cmd, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) await file.write(chunk).catch(() => {});
  };
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]).finally(() => file.close());
  return {
    child,
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await done;
    },
  };
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number): Promise<void> {
  const up = await waitFor(async () => {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return true;
    } catch {
      return false;
    }
  }, 15_000);
  if (!up) throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** Starts pebble (and a challtestsrv when no DNS server is given). */
export async function startPebble(opts: PebbleOptions): Promise<Pebble> {
  const ca = await makeRootCa(opts.dir, "pebble-listener-root");
  const listener = await ca.server("pebble", ["localhost"]);
  const acmePort = freePort();
  const mgmtPort = freePort();
  const stops: (() => Promise<void>)[] = [];
  let dns = opts.dnsServer;
  let dnsMgmt = 0;
  if (!dns) {
    const dnsPort = freePort();
    const mgmt = freePort();
    const srv = await spawnLogged("pebble-challtestsrv", [
      "-defaultIPv4",
      "127.0.0.1",
      "-defaultIPv6",
      "",
      "-dns01",
      `127.0.0.1:${dnsPort}`,
      "-http01",
      "",
      "-https01",
      "",
      "-tlsalpn01",
      "",
      "-management",
      `127.0.0.1:${mgmt}`,
    ], join(opts.dir, "challtestsrv.log"));
    stops.push(srv.stop);
    await waitForPort(mgmt);
    dnsMgmt = mgmt;
    dns = `127.0.0.1:${dnsPort}`;
  }
  const config = join(opts.dir, "pebble.json");
  await Deno.writeTextFile(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: listener.certPath,
        privateKey: listener.keyPath,
        httpPort: opts.httpPort,
        tlsPort: freePort(),
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  const pebble = await spawnLogged(
    "pebble",
    ["-config", config, "-dnsserver", dns],
    join(opts.dir, "pebble.log"),
    {
      PEBBLE_VA_NOSLEEP: "1",
      PEBBLE_WFE_NONCEREJECT: "0",
      PEBBLE_AUTHZREUSE: "0",
    },
  );
  stops.unshift(pebble.stop);
  const stop = async () => {
    for (const s of stops) await s();
  };
  try {
    await waitForPort(acmePort);
    await waitForPort(mgmtPort);
  } catch (error) {
    await stop();
    throw error;
  }
  const client = Deno.createHttpClient({ caCerts: [ca.cert] });
  return {
    directory: `https://localhost:${acmePort}/dir`,
    caBundle: ca.certPath,
    root: async () => {
      const res = await fetch(`https://localhost:${mgmtPort}/roots/0`, { client });
      if (!res.ok) throw new Error(`pebble roots: ${res.status}`);
      return await res.text();
    },
    addA: async (host, address) => {
      if (!dnsMgmt) throw new Error("addA needs pebble-challtestsrv");
      const res = await fetch(`http://127.0.0.1:${dnsMgmt}/add-a`, {
        method: "POST",
        body: JSON.stringify({
          host: host.endsWith(".") ? host : `${host}.`,
          addresses: [address],
        }),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`challtestsrv add-a: ${res.status}`);
    },
    stop: async () => {
      client.close();
      await stop();
    },
  };
}
