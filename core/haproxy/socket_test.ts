import assert from "node:assert/strict";
import { parseAddress, sendCommand } from "./socket.ts";
import { freePort, layout, startEmbedded } from "./test_support.ts";

Deno.test("sendCommand - refuses a command that smuggles a second line", async () => {
  for (const cmd of ["show info\nshutdown frontend x", "show info\rshutdown frontend x"]) {
    const res = await sendCommand("/nonexistent/admin.sock", cmd);
    assert.deepEqual(res.ok ? null : res.error.kind, "invalid");
  }
});

Deno.test("sendCommand - a missing socket or closed port is unreachable", async () => {
  const l = await layout();
  const unix = await sendCommand(`${l.dir}/none.sock`, "show info");
  assert.equal(unix.ok ? null : unix.error.kind, "unreachable");
  const tcp = await sendCommand(`ipv4@127.0.0.1:${freePort()}`, "show info");
  assert.equal(tcp.ok ? null : tcp.error.kind, "unreachable");
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("sendCommand - a peer that never answers times out", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of listener) accepted.push(c);
  })();
  const res = await sendCommand(`127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, "show info", {
    timeoutMs: 150,
  });
  assert.equal(res.ok ? null : res.error.kind, "timeout");
  accepted.forEach((c) => c.close());
  listener.close();
  await accepting.catch(() => {});
});

Deno.test("sendCommand - talks to a real admin socket, `;`-separated commands too", async () => {
  const r = await startEmbedded();
  try {
    const one = await sendCommand(r.l.adminSocket, "show info");
    assert.ok(one.ok && /^Name: HAProxy$/m.test(one.output));
    const two = await sendCommand(r.l.adminSocket, "show info;show stat");
    assert.ok(two.ok && two.output.includes("Name: HAProxy") && two.output.includes("# pxname"));
  } finally {
    await r.hx.stop();
    await Deno.remove(r.l.dir, { recursive: true });
  }
});

Deno.test("parseAddress - understands HAProxy's address forms", () => {
  assert.deepEqual(parseAddress("/run/haproxy/admin.sock"), {
    transport: "unix",
    path: "/run/haproxy/admin.sock",
  });
  assert.deepEqual(parseAddress("unix@/run/m.sock"), { transport: "unix", path: "/run/m.sock" });
  assert.deepEqual(parseAddress("ipv4@127.0.0.1:9999"), {
    transport: "tcp",
    hostname: "127.0.0.1",
    port: 9999,
  });
  assert.deepEqual(parseAddress("localhost:9999"), {
    transport: "tcp",
    hostname: "localhost",
    port: 9999,
  });
  assert.deepEqual(parseAddress("ipv6@[::1]:9999"), {
    transport: "tcp",
    hostname: "::1",
    port: 9999,
  });
});

Deno.test("sendCommand - a streamed reply reaches onText whole, cut anywhere, and is not kept twice", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const reply = new TextEncoder().encode(`1\n# été\n${"x y z\n".repeat(50_000)}`);
  const serving = (async () => {
    const conn = await listener.accept();
    await conn.read(new Uint8Array(64));
    // Pieces that cut the two-byte "é" (the first ends inside it) and lines alike.
    await conn.write(reply.subarray(0, 5));
    for (let at = 5; at < reply.length; at += 7_777) {
      await conn.write(reply.subarray(at, Math.min(reply.length, at + 7_777)));
    }
    conn.close();
  })();
  let seen = "";
  const res = await sendCommand(`127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, "show x", {
    onText: (text) => seen += text,
  });
  await serving;
  listener.close();
  assert.deepEqual(res, { ok: true, output: "" });
  assert.equal(seen, new TextDecoder().decode(reply));
});
