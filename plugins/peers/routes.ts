/**
 * The routes of the peers plugin: the operator surface `/api/peers/*`
 * (role-guarded; cluster config is admin to change) and the
 * server-to-server surface `/api/peer/*` (raw inbound token, peer_auth.ts).
 *
 * @module
 */
import { z } from "zod";
import { badRequest, conflict, notFound } from "../../core/errors.ts";
import type { PluginHost } from "../../core/plugin.ts";
import type { InboundTokens } from "./inbound.ts";
import { type Peers, plainHttpWarning, viewOf } from "./peers_store.ts";
import { peerPrincipal } from "./peer_auth.ts";
import { checkFiles, FILES_HEADER, parseFilesHeader, registerBlobRoutes } from "./blobs.ts";
import { stateChecksum } from "./checksum.ts";
import { checksumReport, type ReceivedVersions, type Sync } from "./sync.ts";

const Label = z.string().trim().min(1, "must not be empty").max(100);
const MintBody = z.object({ label: Label }).strict();
const PatchBody = z.object({ label: Label.optional(), disabled: z.boolean().optional() }).strict();
const PeerBody = z.object({
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL")
    .transform((u) => u.replace(/\/+$/, "")),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "must be a name like node-b"),
  token: z.string().min(16).max(200),
}).strict();

/** Registers the peers routes. */
export function registerRoutes(
  host: PluginHost,
  tokens: InboundTokens,
  peers: Peers,
  sync: Sync,
  received: ReceivedVersions,
): void {
  host.route("GET", "/api/peers", {
    role: "viewer",
    tier: "read",
    summary: "Configured peers (outbound tokens redacted) with last contact",
  }, () => ({ peers: peers.list().map(viewOf) }));

  host.route("POST", "/api/peers", {
    role: "admin",
    tier: "write",
    summary: "Adds a peer with the raw inbound token it minted",
    request: PeerBody,
  }, async (ctx) => {
    const body = await ctx.body(PeerBody);
    if (body.token.startsWith("pp_")) {
      throw badRequest("token must be the peer's raw inbound token, not a pp_ API token");
    }
    if (peers.hasName(body.name)) throw conflict(`a peer named '${body.name}' exists`);
    const added = peers.add(body);
    const contactError = await sync.probe(added);
    const peer = peers.get(added.id)!;
    const warning = plainHttpWarning(peer.url);
    if (warning) host.log.warn("peer added over plain http", { peer: peer.name, url: peer.url });
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "peer-add",
      target: peer.id,
      details: { name: peer.name, url: peer.url, ...(warning ? { warning } : {}) },
      outcome: "success",
    });
    return new Response(JSON.stringify({ ...viewOf(peer), contactError }), {
      status: 201,
      headers: { "content-type": "application/json" },
    });
  });

  host.route("DELETE", "/api/peers/:id", {
    role: "admin",
    tier: "write",
    summary: "Removes a peer",
  }, (ctx) => {
    const id = ctx.params.id;
    if (!peers.remove(id)) throw notFound(`no peer '${id}'`);
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "peer-remove",
      target: id,
      outcome: "success",
    });
    return { deleted: id };
  });

  host.route("GET", "/api/peers/inbound-tokens", {
    role: "admin",
    tier: "read",
    summary: "Inbound peer tokens (never their values)",
  }, () => ({ tokens: tokens.list() }));

  host.route("POST", "/api/peers/inbound-tokens", {
    role: "admin",
    tier: "write",
    summary: "Mints an inbound peer token; the raw value is in this answer only",
    request: MintBody,
  }, async (ctx) => {
    const { label } = await ctx.body(MintBody);
    const minted = tokens.mint(label);
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "inbound-token-mint",
      target: minted.id,
      details: { label },
      outcome: "success",
    });
    return new Response(JSON.stringify(minted), {
      status: 201,
      headers: { "content-type": "application/json" },
    });
  });

  host.route("PATCH", "/api/peers/inbound-tokens/:id", {
    role: "admin",
    tier: "write",
    summary: "Renames or disables an inbound peer token",
    request: PatchBody,
  }, async (ctx) => {
    const change = await ctx.body(PatchBody);
    const updated = tokens.update(ctx.params.id, change);
    if (!updated) throw notFound(`no inbound token '${ctx.params.id}'`);
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "inbound-token-update",
      target: updated.id,
      details: change,
      outcome: "success",
    });
    return updated;
  });

  host.route("DELETE", "/api/peers/inbound-tokens/:id", {
    role: "admin",
    tier: "write",
    summary: "Deletes an inbound peer token",
  }, (ctx) => {
    const id = ctx.params.id;
    if (!tokens.remove(id)) throw notFound(`no inbound token '${id}'`);
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "inbound-token-delete",
      target: id,
      outcome: "success",
    });
    return { deleted: id };
  });

  host.route("GET", "/api/peer/clock", {
    role: "public",
    tier: "read",
    summary: "Clock skew probe (raw inbound peer token)",
  }, (ctx) => {
    peerPrincipal(ctx, tokens);
    return { now: Date.now() };
  });

  host.route("GET", "/api/peer/state-checksum", {
    role: "public",
    tier: "read",
    summary:
      "Checksum of this node's state and the hashes of the files it names (raw inbound peer token)",
  }, async (ctx) => {
    peerPrincipal(ctx, tokens);
    return await checksumReport(host.state(), host.stateFiles);
  });

  registerBlobRoutes(host, tokens);

  let receiving: Promise<unknown> = Promise.resolve();
  const receive = async (
    peer: ReturnType<typeof peerPrincipal>,
    headers: Headers,
    doc: unknown,
  ) => {
    const versionHeader = headers.get("x-peer-version");
    const version = versionHeader === null ? null : Number(versionHeader);
    if (version !== null && (!Number.isSafeInteger(version) || version <= 0)) {
      throw badRequest("x-peer-version must be a positive integer");
    }
    if (version !== null && version <= received.last(peer.token.id)) {
      host.audit.record({
        actor: `peer:${peer.user}`,
        category: "cluster",
        action: "push-refused",
        details: { version, last: received.last(peer.token.id) },
        outcome: "failure",
      });
      throw conflict("stale or replayed push: this version was already received from this peer", {
        version,
        last: received.last(peer.token.id),
      });
    }
    const claimed = headers.get("x-peer-checksum");
    if (claimed !== null && claimed !== stateChecksum(doc)) {
      throw badRequest("x-peer-checksum does not match the state sent");
    }
    await checkFiles(host.stateFiles, doc, parseFilesHeader(headers.get(FILES_HEADER)));
    if (version !== null) received.record(peer.token.id, version);
    // Even a state this node already runs goes through the pipeline: a file it names may have
    // just been replaced (a certificate renewed on the sender), and only the pipeline knows
    // whether HAProxy must reload for it; when nothing changed it answers `unchanged`.
    const result = await host.apply(doc, {
      actor: `peer:${peer.user}`,
      reason: `peer:${peer.user}`,
    });
    return {
      applied: result.outcome !== "unchanged",
      outcome: result.outcome,
      snapshotId: result.snapshotId,
      checksum: stateChecksum(result.state),
    };
  };

  host.route("POST", "/api/peer/state", {
    role: "public",
    tier: "write",
    summary: "Applies a state pushed by a peer through the full pipeline (raw inbound peer token)",
  }, async (ctx) => {
    const peer = peerPrincipal(ctx, tokens);
    const doc = await ctx.json();
    // One received push at a time: the version check and the apply must not interleave, or an
    // older push checked first could be applied after a newer one.
    const run = receiving.then(() => receive(peer, ctx.req.headers, doc));
    receiving = run.catch(() => {});
    return await run;
  });

  host.route("GET", "/api/peers/drift", {
    role: "viewer",
    tier: "read",
    summary: "Each peer in sync, drifted or unreachable, with clock skew in ms",
  }, async () => ({ peers: await sync.drift() }));

  host.route("POST", "/api/peers/:id/sync-now", {
    role: "admin",
    tier: "write",
    summary: "Pushes the current state to one peer now and waits for its answer",
  }, async (ctx) => {
    const peer = peers.get(ctx.params.id);
    if (!peer) throw notFound(`no peer '${ctx.params.id}'`);
    const r = await sync.pushOnce(peer);
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "sync-now",
      target: peer.id,
      details: { status: r.status, error: r.error },
      outcome: r.ok ? "success" : "failure",
    });
    return r;
  });
}
