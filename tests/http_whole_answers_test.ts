/**
 * Answers sent before the request body was read arrive whole, over HTTP/2
 * (curl's default on HTTPS) and HTTP/1.1: a 400 for a bad path parameter,
 * a 403 for a cross-site cookie POST, a 403 for a rebinding Host (over
 * HTTP/2 its `:authority`, which the host check used to miss), a 404 for
 * an unknown route, a 429 and a 413, each with a body, 200 tries per
 * protocol, each ending in its JSON envelope rather than `curl: (92) Stream
 * error in the HTTP/2 framing layer`. Without the drain, this test saw 44
 * of 1,600 answers of the first test lost (a new connection per try: 161),
 * every one over HTTP/2.
 *
 * curl runs as users run it, several processes at once, each sending a few
 * tries over its own new connection.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runtime } from "../plugins/runtime/mod.ts";
import { startTestDaemon, type TestDaemon } from "./support/daemon.ts";

const TRIES = 200;
/** curl processes running at once. */
const CONCURRENT = 8;
/** Tries sent over each curl process's one connection. */
const PER_CONNECTION = 4;
/** A small body limit, so a 413 costs a small body (the daemon's default is 32 MiB). */
const LIMIT = 64 * 1024;
const JSON_BODY = JSON.stringify({ state: "drain", note: "an early refusal must still arrive" });

/** One kind of request and the status it must be refused with. */
interface Case {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** What went wrong with one try (empty when every try arrived whole). */
type Failure = string;

/**
 * Sends `TRIES` copies of a request with curl over `protocol` and reports
 * every try that did not end in the expected status with a JSON `{error}`
 * envelope. Each curl process sends {@link PER_CONNECTION} tries over one new
 * connection (URL globbing; the router ignores the query), {@link CONCURRENT}
 * processes at a time: the first request on a new connection is where the
 * race showed most, and a process per try would make the test slow.
 */
async function tryMany(
  d: TestDaemon,
  dir: string,
  protocol: "--http2" | "--http1.1",
  c: Case,
): Promise<Failure[]> {
  const tag = `${c.name}${protocol}`.replace(/[^a-z0-9]+/gi, "-");
  const bodyFile = join(dir, `${tag}.body`);
  await Deno.writeTextFile(bodyFile, c.body);
  const base = ["-sS", protocol, "--cacert", `${d.paths.tls}/cert.pem`, "-X", c.method];
  base.push("--data-binary", `@${bodyFile}`, "-w", "%{http_code} %{exitcode} %{errormsg}\\n");
  for (const [k, v] of Object.entries(c.headers)) base.push("-H", `${k}: ${v}`);
  const failures: Failure[] = [];
  const processes = TRIES / PER_CONNECTION;
  let next = 0;
  const worker = async () => {
    for (let p = next++; p < processes; p = next++) {
      const out = join(dir, `${tag}-${p}-#1.json`);
      const url = `${d.url}${c.path}?try=[1-${PER_CONNECTION}]`;
      const res = await new Deno.Command("curl", {
        args: [...base, "-o", out, url],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const lines = new TextDecoder().decode(res.stdout).split("\n");
      for (let i = 1; i <= PER_CONNECTION; i++) {
        const [status, exit, ...msg] = (lines[i - 1] || "000 ? no write-out").split(" ");
        const where = `${c.name} ${protocol} try ${p * PER_CONNECTION + i}`;
        if (exit !== "0" || Number(status) !== c.status) {
          failures.push(`${where}: HTTP ${status}, curl exit ${exit} ${msg.join(" ")}`);
          continue;
        }
        const text = await Deno.readTextFile(out.replace("#1", String(i))).catch(() => "");
        try {
          const envelope = JSON.parse(text);
          if (typeof envelope.error !== "string") failures.push(`${where}: no error in ${text}`);
        } catch {
          failures.push(`${where}: not JSON: ${JSON.stringify(text.slice(0, 80))}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT }, worker));
  return failures;
}

async function assertWhole(d: TestDaemon, cases: Case[]): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pp-whole-" });
  try {
    const failures: Failure[] = [];
    for (const c of cases) {
      for (const protocol of ["--http2", "--http1.1"] as const) {
        failures.push(...await tryMany(d, dir, protocol, c));
      }
    }
    assert.deepEqual(
      failures.slice(0, 20),
      [],
      `${failures.length} of ${cases.length * 2 * TRIES} answers did not arrive whole`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("http whole answers - 400, 403 (CSRF, Host), 404 and 413 answers to requests with a body arrive whole", async () => {
  const d = await startTestDaemon({
    plugins: [runtime()],
    config: { https: { enabled: true } },
    maxBodyBytes: LIMIT,
  });
  try {
    const session = await d.login();
    assert.equal(session.status, 200);
    const bearer = { authorization: `Bearer ${d.adminToken}`, "content-type": "application/json" };
    await assertWhole(d, [
      {
        name: "bad path parameter",
        method: "POST",
        path: "/api/haproxy/servers/web-pool/web-1%3Bx/state",
        headers: bearer,
        body: JSON_BODY,
        status: 400,
      },
      {
        name: "cross-site cookie POST",
        method: "POST",
        path: "/api/users",
        headers: {
          cookie: session.cookie,
          "sec-fetch-site": "cross-site",
          "content-type": "application/json",
        },
        body: JSON.stringify({ username: "x", password: "x-password-123", role: "viewer" }),
        status: 403,
      },
      {
        // Over HTTP/2 the name is the `:authority` (no Host header): refused there too.
        name: "rebinding Host",
        method: "POST",
        path: "/api/state/plan",
        headers: { ...bearer, host: "rebind.attacker.example" },
        body: JSON_BODY,
        status: 403,
      },
      {
        name: "unknown route",
        method: "POST",
        path: "/api/no-such-route",
        headers: { "content-type": "application/json" },
        body: JSON_BODY,
        status: 404,
      },
      {
        name: "body past the limit",
        method: "POST",
        path: "/api/state/plan",
        headers: bearer,
        body: JSON.stringify({ pad: "x".repeat(LIMIT + 1024) }),
        status: 413,
      },
    ]);
  } finally {
    await d.stop();
  }
});

Deno.test("http whole answers - a 429 to a request with a body arrives whole", async () => {
  const d = await startTestDaemon({
    config: { https: { enabled: true }, rateLimit: { writeMax: 1, writeWindowMs: 3_600_000 } },
  });
  try {
    const headers = { authorization: `Bearer ${d.adminToken}`, "content-type": "application/json" };
    // The one write the window allows; every try after it is refused before its body is read.
    await d.api("POST", "/api/state/plan", {});
    await assertWhole(d, [{
      name: "rate limited",
      method: "POST",
      path: "/api/state/plan",
      headers,
      body: JSON_BODY,
      status: 429,
    }]);
  } finally {
    await d.stop();
  }
});
