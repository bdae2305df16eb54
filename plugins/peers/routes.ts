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
import { type Peers, viewOf } from "./peers_store.ts";
import { peerPrincipal } from "./peer_auth.ts";
import { stateChecksum } from "./checksum.ts";

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
export function registerRoutes(host: PluginHost, tokens: InboundTokens, peers: Peers): void {
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
    const peer = peers.add(body);
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "peer-add",
      target: peer.id,
      details: { name: peer.name, url: peer.url },
      outcome: "success",
    });
    return new Response(JSON.stringify(viewOf(peer)), {
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
    summary: "Checksum of this node's state (raw inbound peer token)",
  }, (ctx) => {
    peerPrincipal(ctx, tokens);
    return { checksum: stateChecksum(host.state()) };
  });
}
