/**
 * The tls plugin's render contribution. For each bind with `tls` it writes a
 * crt-list (the default certificate first, each line with its SNI filters)
 * and one PEM bundle per certificate (chain + key, 0600, what HAProxy's
 * `crt` wants), then extends the bind line with `ssl crt-list …`, the
 * protocol floor, the cipher profile, ALPN and mTLS (`ca-file`, `verify`,
 * `crl-file`). Frontends get the HTTP → HTTPS redirect and HSTS; servers
 * with `tls` get `ssl verify … ca-file … sni …`.
 *
 * Trusted CA and CRL files follow the data directory's convention
 * (`trusted-cas/<name>.pem`, `trusted-crls/<name>.pem`), which the
 * trusted-cas plugin writes.
 *
 * @module
 */
import { join } from "node:path";
import type { State } from "../../core/state/schema.ts";
import type { FrontendModel } from "../../core/state/haproxy_schema.ts";
import type { BindTlsModel } from "./entity_schema.ts";
import type { ConfigModel, Directive, Entity, Section } from "../../core/render/model.ts";
import type { RenderContext } from "../../core/render/haproxy.ts";
import type { DataPaths } from "../../core/paths.ts";
import { certMaterial, type TlsCertModel, type TlsProviderModel } from "./schema.ts";
import type { TlsProviderKinds } from "../../core/providers.ts";
import { CIPHER_PROFILES } from "./ciphers.ts";
import { backendsWith } from "../../core/state/backend_facts.ts";
import { TLS_SERVERS } from "./checks.ts";

/** Where the generated crt-lists and PEM bundles live. */
export function tlsRenderDir(paths: DataPaths): string {
  return paths.plugin("haproxy-tls");
}

/** The crt-list file of one bind. */
export function crtListPath(paths: DataPaths, frontend: string, index: number): string {
  return join(tlsRenderDir(paths), `${frontend}.${index}.crtlist`);
}

/** The chain-plus-key bundle HAProxy loads for one certificate. */
export function bundlePath(paths: DataPaths, certId: string): string {
  return join(tlsRenderDir(paths), `${certId}.pem`);
}

/** A trusted CA bundle's file, as the trusted-cas plugin stores it. */
export function trustedCaPath(paths: DataPaths, name: string): string {
  return join(paths.plugin("trusted-cas"), `${name}.pem`);
}

/** A CRL's file, as the trusted-cas plugin stores it. */
export function trustedCrlPath(paths: DataPaths, name: string): string {
  return join(paths.plugin("trusted-crls"), `${name}.pem`);
}

/** The certificate ids of a bind, the default first. */
export function orderedCerts(tls: BindTlsModel): string[] {
  const first = tls.defaultCert ?? tls.certs[0];
  return [first, ...tls.certs.filter((c) => c !== first)];
}

/** Every generated path the current state needs, for removing stale ones. */
export function expectedFiles(state: State, paths: DataPaths): Set<string> {
  const out = new Set<string>();
  for (const fe of state.haproxy.frontends) {
    fe.binds.forEach((b, i) => {
      if (!b.tls) return;
      out.add(crtListPath(paths, fe.id, i));
      for (const id of b.tls.certs) out.add(bundlePath(paths, id));
    });
  }
  return out;
}

/** The render hook, reading certificates' files where their provider kinds in `kinds` say. */
export function tlsRenderHook(kinds: TlsProviderKinds) {
  return (model: ConfigModel, state: State, ctx: RenderContext): void =>
    renderTls(model, state, ctx, kinds);
}

function renderTls(
  model: ConfigModel,
  state: State,
  ctx: RenderContext,
  kinds: TlsProviderKinds,
): void {
  const providers = new Map(state.tls.providers.map((p) => [p.id, p]));
  const certs = new Map(state.tls.certs.map((c) => [c.id, c]));
  const bundled = new Set<string>();
  for (const fe of state.haproxy.frontends) {
    fe.binds.forEach((b, i) => {
      if (!b.tls) return;
      const entity: Entity = { kind: "bind", id: `${fe.id}/${i}` };
      const lines: string[] = [];
      for (const id of orderedCerts(b.tls)) {
        const cert = certs.get(id);
        if (!cert) continue; // the checks refuse this state before render
        lines.push([bundlePath(ctx.paths, id), ...cert.domains].join(" "));
        if (bundled.has(id)) continue;
        bundled.add(id);
        const provider = providers.get(cert.providerId);
        if (provider) addBundle(model, ctx.paths, kinds, provider, cert, entity);
      }
      const list = crtListPath(ctx.paths, fe.id, i);
      model.file({ path: list, content: lines.join("\n") + "\n", mode: 0o600 });
      for (const dir of model.directivesOf(entity)) {
        if (dir.keyword === "bind") dir.args.push(...bindTlsArgs(b.tls, list, ctx.paths));
      }
    });
    addRedirectAndHsts(model, fe);
  }
  // Only the backends with a TLS server (backend_facts.ts), not each of 100,000 servers.
  const backends = state.haproxy.backends;
  for (const bi of backendsWith(TLS_SERVERS, backends)) {
    const be = backends[bi];
    let serverLines: Map<string, Directive[]> | null = null;
    for (const s of be.servers) {
      if (!s.tls) continue;
      const args = ["ssl", "verify", s.tls.verify];
      if (s.tls.ca) args.push("ca-file", trustedCaPath(ctx.paths, s.tls.ca));
      if (s.tls.sni) args.push("sni", `str(${s.tls.sni})`, "check-sni", s.tls.sni);
      serverLines ??= linesOfServers(model.section("backend", be.id));
      for (const dir of serverLines.get(`${be.id}/${s.name}`) ?? []) replaceServerSsl(dir, args);
    }
  }
}

/**
 * The `server` lines of a backend's section by server entity id, found in
 * one pass: looking each TLS server up with `directivesOf` scans the whole
 * model per server, which took ~850 ms for 10,000 TLS servers. Only the
 * sections of backends with TLS servers are read, so the others print
 * the text they were rendered to before (model.ts `addPrinted`).
 */
function linesOfServers(section: Section | undefined): Map<string, Directive[]> {
  const lines = new Map<string, Directive[]>();
  for (const dir of section?.directives ?? []) {
    if (dir.keyword !== "server" || dir.entity?.kind !== "server") continue;
    const known = lines.get(dir.entity.id);
    if (known) known.push(dir);
    else lines.set(dir.entity.id, [dir]);
  }
  return lines;
}

/** The bind arguments for a TLS configuration, after the address and options. */
export function bindTlsArgs(tls: BindTlsModel, crtList: string, paths: DataPaths): string[] {
  const profile = CIPHER_PROFILES[tls.ciphers];
  const args = ["ssl", "crt-list", crtList, "ssl-min-ver", tls.minVersion ?? profile.minVersion];
  if (profile.ciphers) args.push("ciphers", profile.ciphers);
  args.push("ciphersuites", profile.ciphersuites, "alpn", tls.alpn.join(","));
  if (tls.clientCa) {
    args.push("ca-file", trustedCaPath(paths, tls.clientCa), "verify", tls.verify);
    if (tls.crl) args.push("crl-file", trustedCrlPath(paths, tls.crl));
  }
  return args;
}

function addBundle(
  model: ConfigModel,
  paths: DataPaths,
  kinds: TlsProviderKinds,
  provider: TlsProviderModel,
  cert: TlsCertModel,
  entity: Entity,
): void {
  const files = certMaterial(kinds, paths, provider, cert);
  if (!files) {
    model.warn(
      entity,
      `certificate '${cert.id}': no loaded plugin provides kind '${provider.kind}'`,
    );
    return;
  }
  try {
    const chain = Deno.readTextFileSync(files.fullchain);
    const key = Deno.readTextFileSync(files.privkey);
    const content = (chain.endsWith("\n") ? chain : chain + "\n") + key;
    model.file({ path: bundlePath(paths, cert.id), content, mode: 0o600 });
  } catch {
    // haproxy -c then refuses the missing bundle; the warning says why.
    model.warn(entity, `certificate '${cert.id}' has no readable files at ${files.fullchain}`);
  }
}

/** Swaps the core's `ssl verify none` (from `ssl: true`) for the server's TLS arguments. */
function replaceServerSsl(dir: Directive, tlsArgs: string[]): void {
  const i = dir.args.indexOf("ssl");
  if (i >= 0 && dir.args[i + 1] === "verify") dir.args.splice(i, 3);
  dir.args.push(...tlsArgs);
}

function addRedirectAndHsts(model: ConfigModel, fe: FrontendModel): void {
  const section = model.section("frontend", fe.id);
  if (!section) return;
  const added: Directive[] = [];
  fe.binds.forEach((b, i) => {
    const entity: Entity = { kind: "bind", id: `${fe.id}/${i}` };
    if (b.tls?.redirectHttp && !added.some((d) => d.keyword === "http-request")) {
      added.push({
        keyword: "http-request",
        args: ["redirect", "scheme", "https", "code", "301", "unless", "{ ssl_fc }"],
        entity,
      });
    }
    if (b.tls?.hsts && !added.some((d) => d.keyword === "http-response")) {
      const h = b.tls.hsts;
      const value = [
        `max-age=${h.maxAge}`,
        ...(h.includeSubDomains ? ["includeSubDomains"] : []),
        ...(h.preload ? ["preload"] : []),
      ].join("; ");
      added.push({
        keyword: "http-response",
        args: ["set-header", "Strict-Transport-Security", `"${value}"`, "if", "{ ssl_fc }"],
        entity,
      });
    }
  });
  model.insert(section, "before-rules", added);
}
