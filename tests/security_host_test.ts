import assert from "node:assert/strict";
import { startTestDaemon } from "./support/daemon.ts";
import { hostnameOf, hostPolicy } from "../core/http/hosts.ts";

/** A raw HTTP/1.1 GET with an arbitrary Host header (fetch will not send a forged Host). */
async function getWithHost(port: number, host: string, path: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const req = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(req));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(65536);
    for (let n; (n = await conn.read(buf)) !== null;) chunks.push(buf.slice(0, n));
    return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  } finally {
    conn.close();
  }
}

Deno.test("host check - a loopback daemon refuses a rebinding Host and accepts loopback names", async () => {
  const d = await startTestDaemon();
  try {
    const evil = await getWithHost(d.port, `rebind.attacker.example:${d.port}`, "/health");
    assert.match(evil, /^HTTP\/1\.1 403/);
    assert.match(evil, /not one of this daemon's names/);
    for (const ok of [`127.0.0.1:${d.port}`, `localhost:${d.port}`, "localhost"]) {
      assert.match(await getWithHost(d.port, ok, "/health"), /^HTTP\/1\.1 200/, ok);
    }
  } finally {
    await d.stop();
  }
});

Deno.test("host check - configured allowedHosts are accepted too", async () => {
  const d = await startTestDaemon({ config: { allowedHosts: ["pp.internal.example"] } });
  try {
    assert.match(await getWithHost(d.port, "pp.internal.example", "/health"), /^HTTP\/1\.1 200/);
    assert.match(await getWithHost(d.port, "other.example", "/health"), /^HTTP\/1\.1 403/);
  } finally {
    await d.stop();
  }
});

Deno.test("hostPolicy - a non-loopback listener with no allowedHosts accepts any name", () => {
  assert.equal(hostPolicy("0.0.0.0", []), null);
  assert.equal(hostPolicy("127.0.0.1", [])!("evil.example"), false);
  assert.equal(hostnameOf("[::1]:8099"), "::1");
  assert.equal(hostnameOf("Example.COM:443"), "example.com");
  assert.equal(hostnameOf("localhost"), "localhost");
});
