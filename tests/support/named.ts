/**
 * Test support: Debian's `named` (bind9) on a loopback port, authoritative
 * for one zone that accepts dynamic updates signed with a TSIG key: what
 * certbot's rfc2136 plugin writes its TXT records to, and what pebble
 * resolves DNS-01 challenges through.
 *
 * @module
 */
import { join } from "node:path";
import { freePort } from "./daemon.ts";
import { waitForPort } from "./acme.ts";

/** A running named. */
export interface Named {
  /** `127.0.0.1:<port>`. */
  address: string;
  port: number;
  keyName: string;
  /** The TSIG secret, base64. */
  secret: string;
  algorithm: string;
  stop(): Promise<void>;
}

/** Starts named in `dir`, authoritative for `zone`. */
export async function startNamed(dir: string, zone: string): Promise<Named> {
  const port = freePort();
  const keyName = "acme-key";
  const secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  await Deno.writeTextFile(
    join(dir, "zone.db"),
    [
      "$TTL 60",
      `@ IN SOA ns.${zone}. admin.${zone}. 1 60 60 600 60`,
      `@ IN NS ns.${zone}.`,
      "ns IN A 127.0.0.1",
      "",
    ].join("\n"),
  );
  const conf = join(dir, "named.conf");
  await Deno.writeTextFile(
    conf,
    `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-query { any; };
};
key "${keyName}" { algorithm hmac-sha256; secret "${secret}"; };
controls { };
zone "${zone}" { type primary; file "${dir}/zone.db"; allow-update { key "${keyName}"; }; };
`,
  );
  const child = new Deno.Command("/usr/sbin/named", {
    args: ["-g", "-c", conf, "-n", "1"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const errs = (async () => {
    const f = await Deno.open(join(dir, "named.err"), { write: true, create: true });
    await child.stderr.pipeTo(f.writable).catch(() => {});
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await errs;
  };
  try {
    await waitForPort(port);
  } catch (error) {
    await stop();
    throw new Error(`${error}: ${await Deno.readTextFile(join(dir, "named.err")).catch(() => "")}`);
  }
  return { address: `127.0.0.1:${port}`, port, keyName, secret, algorithm: "HMAC-SHA256", stop };
}
