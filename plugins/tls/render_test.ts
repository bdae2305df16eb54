import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { composeStateSchema } from "../../core/state/schema.ts";
import { dataPaths } from "../../core/paths.ts";
import { renderState } from "../../core/render/render.ts";
import { TLS_DEFAULT, tlsStateSchema } from "./schema.ts";
import { tlsChecks } from "./checks.ts";
import { tlsRenderHook } from "./render.ts";
import { ProviderKindRegistry } from "./kinds.ts";
import { CIPHER_PROFILES } from "./ciphers.ts";
import { BackendMemo } from "../../core/state/backend_memo.ts";
import { entitySchemas } from "../../core/state/entity_fields.ts";
import { TLS_ENTITY_FIELDS } from "./entity_schema.ts";

// The byo-certs plugin registers `byo` like this; the tls plugin's tests do not load it.
const kinds = new ProviderKindRegistry();
kinds.register({
  kind: "byo",
  owner: "test",
  schema: z.object({ id: z.string(), kind: z.literal("byo") }).strict(),
  materialize: (_p, cert, paths) => ({
    fullchain: join(paths.plugin("byo-certs"), cert.name, "fullchain.pem"),
    privkey: join(paths.plugin("byo-certs"), cert.name, "privkey.pem"),
  }),
});
const renderTls = tlsRenderHook(kinds);
const TlsState = tlsStateSchema(kinds);
const entities = entitySchemas(TLS_ENTITY_FIELDS);
const schema = composeStateSchema(
  { tls: TlsState.default(TLS_DEFAULT) },
  [tlsChecks],
  undefined,
  entities,
);

function fixture(bindTls: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    haproxy: {
      frontends: [{
        id: "fe",
        binds: [{ address: "127.0.0.1:8080" }, { address: "127.0.0.1:8443", tls: bindTls }],
        useBackends: [{ backend: "app", cond: "if TRUE" }],
        defaultBackend: "app",
      }],
      backends: [{
        id: "app",
        servers: [{
          name: "s1",
          address: "127.0.0.1:9443",
          ssl: true,
          tls: { ca: "internal", sni: "api.test" },
        }],
      }],
    },
    tls: {
      providers: [{ id: "byo", kind: "byo" }],
      certs: [
        { id: "a", providerId: "byo", name: "a", domains: ["a.test", "*.a.test"] },
        { id: "b", providerId: "byo", name: "b", domains: ["b.test"] },
      ],
    },
    ...extra,
  };
}

async function withCertFiles(fn: (dataDir: string) => void | Promise<void>) {
  const dataDir = await Deno.makeTempDir({ prefix: "pp-render-" });
  try {
    for (const name of ["a", "b"]) {
      await Deno.mkdir(join(dataDir, "byo-certs", name), { recursive: true });
      await Deno.writeTextFile(join(dataDir, "byo-certs", name, "fullchain.pem"), `CHAIN ${name}`);
      await Deno.writeTextFile(join(dataDir, "byo-certs", name, "privkey.pem"), `KEY ${name}\n`);
    }
    await fn(dataDir);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("tls render - bind gets a crt-list (default first, SNI filters), profile, ALPN and mTLS", async () => {
  await withCertFiles((dataDir) => {
    const paths = dataPaths(dataDir);
    const state = schema.parse(fixture({
      certs: ["a", "b"],
      defaultCert: "b",
      clientCa: "clients",
      verify: "optional",
      crl: "revoked",
    }));
    const out = renderState(state, { paths }, [renderTls]);
    const list = join(dataDir, "haproxy-tls", "fe.1.crtlist");
    const p = CIPHER_PROFILES.intermediate;
    assert.ok(
      out.text.includes(
        `bind 127.0.0.1:8443 ssl crt-list ${list} ssl-min-ver TLSv1.2 ciphers ${p.ciphers} ` +
          `ciphersuites ${p.ciphersuites} alpn h2,http/1.1 ` +
          `ca-file ${join(dataDir, "trusted-cas", "clients.pem")} verify optional ` +
          `crl-file ${join(dataDir, "trusted-crls", "revoked.pem")}\n`,
      ),
      out.text,
    );
    assert.ok(out.text.includes("bind 127.0.0.1:8080\n"), "the plain bind is untouched");
    const files = Object.fromEntries(out.files.map((f) => [f.path, f]));
    const bundleA = join(dataDir, "haproxy-tls", "a.pem");
    const bundleB = join(dataDir, "haproxy-tls", "b.pem");
    assert.equal(files[list].content, `${bundleB} b.test\n${bundleA} a.test *.a.test\n`);
    assert.equal(files[bundleA].content, "CHAIN a\nKEY a\n");
    assert.equal(files[bundleA].mode, 0o600);
    assert.equal(renderState(state, { paths }, [renderTls]).text, out.text, "deterministic");
  });
});

Deno.test("tls render - server TLS replaces 'ssl verify none' with verify, ca-file and SNI", async () => {
  await withCertFiles((dataDir) => {
    const paths = dataPaths(dataDir);
    const out = renderState(schema.parse(fixture({ certs: ["a"] })), { paths }, [renderTls]);
    assert.ok(
      out.text.includes(
        "server s1 127.0.0.1:9443 weight 100 check ssl verify required " +
          `ca-file ${join(dataDir, "trusted-cas", "internal.pem")} sni str(api.test) ` +
          "check-sni api.test\n",
      ),
      out.text,
    );
    assert.ok(!out.text.includes("verify none"));
  });
});

Deno.test("tls render - modern profile is TLS 1.3 only; redirect and HSTS come before routing", async () => {
  await withCertFiles((dataDir) => {
    const paths = dataPaths(dataDir);
    const state = schema.parse(fixture({
      certs: ["a"],
      ciphers: "modern",
      alpn: ["http/1.1"],
      redirectHttp: true,
      hsts: { maxAge: 600, preload: true },
    }));
    const out = renderState(state, { paths }, [renderTls]);
    assert.match(out.text, /ssl-min-ver TLSv1\.3 ciphersuites \S+ alpn http\/1\.1\n/);
    assert.ok(!/ ciphers /.test(out.text));
    const lines = out.text.split("\n").map((l) => l.trim());
    const redirect = lines.indexOf(
      "http-request redirect scheme https code 301 unless { ssl_fc }",
    );
    const hsts = lines.indexOf(
      'http-response set-header Strict-Transport-Security "max-age=600; preload" if { ssl_fc }',
    );
    const route = lines.findIndex((l) => l.startsWith("use_backend"));
    assert.ok(redirect > 0 && hsts > redirect && route > hsts, out.text);
    assert.deepEqual(out.lines[out.text.split("\n").findIndex((l) => l.includes("redirect"))], {
      kind: "bind",
      id: "fe/1",
    });
  });
});

Deno.test("tls render - a certificate without readable files is a warning naming the bind", () => {
  const paths = dataPaths("/nonexistent-pp");
  const out = renderState(schema.parse(fixture({ certs: ["a"] })), { paths }, [renderTls]);
  assert.equal(out.warnings.length, 1);
  assert.deepEqual(out.warnings[0].entity, { kind: "bind", id: "fe/1" });
  assert.match(out.warnings[0].message, /certificate 'a' has no readable files/);
});

Deno.test("tls checks - options that need each other are refused with their paths", () => {
  const res = schema.safeParse(fixture(
    { certs: ["a"], defaultCert: "b", crl: "revoked" },
    {},
  ));
  assert.equal(res.success, false);
  const paths = res.error!.issues.map((i) => i.path.join("."));
  assert.ok(paths.includes("haproxy.frontends.0.binds.1.tls.defaultCert"), paths.join());
  assert.ok(paths.includes("haproxy.frontends.0.binds.1.tls.crl"), paths.join());

  const tcp = fixture({ certs: ["a"], hsts: {} });
  (tcp.haproxy.frontends[0] as Record<string, unknown>).mode = "tcp";
  const tcpRes = schema.safeParse(tcp);
  assert.ok(
    tcpRes.error!.issues.some((i) =>
      i.path.join(".") === "haproxy.frontends.0.binds.1.tls.hsts" && /mode http/.test(i.message)
    ),
  );

  const noCa = fixture({ certs: ["a"] });
  noCa.haproxy.backends[0].servers[0].tls = { sni: "api.test" } as never;
  const noCaRes = schema.safeParse(noCa);
  assert.deepEqual(noCaRes.error!.issues.map((i) => i.path.join(".")), [
    "haproxy.backends.0.servers.0.tls.ca",
  ]);
});

Deno.test("tls render - a remembered backend renders the same every time, though TLS edits its lines", async () => {
  const remembering = composeStateSchema(
    { tls: TlsState.default(TLS_DEFAULT) },
    [tlsChecks],
    new BackendMemo(entities.backend),
    entities,
  );
  await withCertFiles((dataDir) => {
    const paths = dataPaths(dataDir);
    const input = fixture({ certs: ["a"] });
    const fresh = renderState(schema.parse(input), { paths }, [renderTls]);
    assert.ok(fresh.text.includes("ssl verify required ca-file"), fresh.text);
    for (let i = 0; i < 3; i++) {
      const state = remembering.parse(structuredClone(input));
      assert.ok(Object.isFrozen(state.haproxy.backends[0]), "the backend comes from the memo");
      const again = renderState(state, { paths }, [renderTls]);
      assert.equal(again.text, fresh.text, `render ${i + 1}`);
      assert.deepEqual(again.lines, fresh.lines);
    }
  });
});
