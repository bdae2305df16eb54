/**
 * The files a state references, between nodes: `GET|POST
 * /api/peer/blob/{kind}/{id}` on the server-to-server surface (raw inbound
 * token only), and the receiver's check that a pushed state names no file
 * it lacks. Files come from the plugins that own them (`host.files`,
 * core/state_files.ts); this module never touches their directories.
 *
 * `GET` answers which version of a file this node holds (its SHA-256),
 * never the bytes: the sender asks it to skip files the peer already has,
 * and no peer can read another node's private keys. `POST` stores a file:
 * the body's bytes (taken as they come, not as text) must hash to `x-blob-sha256`, then the owning plugin
 * validates it as its own upload would. Bodies are never logged or
 * audited, only kind, id and hash.
 *
 * @module
 */
import { badRequest, HttpError, notFound } from "../../core/errors.ts";
import { readBytesCapped } from "../../core/http/body.ts";
import type { PluginHost } from "../../core/plugin.ts";
import { fileSha256, type StateFileRef, type StateFiles } from "../../core/state_files.ts";
import type { InboundTokens } from "./inbound.ts";
import { peerPrincipal } from "./peer_auth.ts";

/** The header a push names the sender's files in: JSON `[{kind, id, sha256}]`. */
export const FILES_HEADER = "x-peer-files";

/** The header carrying a blob's SHA-256 on upload. */
export const BLOB_SHA_HEADER = "x-blob-sha256";

/**
 * The largest file a peer may send: above every owner's own limit (a Lua
 * script is at most 256 KiB, twice that as JSON-escaped text), so each
 * owner's validation, not this cap, is what refuses an oversized file.
 */
export const MAX_BLOB_BYTES = 2 * 1024 * 1024;

/** The path of one file on the peer surface. */
export function blobPath(kind: string, id: string): string {
  return `/api/peer/blob/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
}

function sourceOf(files: StateFiles, kind: string) {
  const source = files.source(kind);
  if (!source) throw notFound(`no file kind '${kind}' on this node`);
  return source;
}

/** Registers the blob routes. */
export function registerBlobRoutes(host: PluginHost, tokens: InboundTokens): void {
  host.route("GET", "/api/peer/blob/:kind/:id", {
    role: "public",
    tier: "read",
    summary:
      "Which version (SHA-256) of a referenced file this node holds (raw inbound peer token)",
  }, async (ctx) => {
    peerPrincipal(ctx, tokens);
    const { kind, id } = ctx.params;
    const bytes = await sourceOf(host.stateFiles, kind).read(id);
    if (bytes === null) throw notFound(`this node has no ${kind} '${id}'`);
    return { kind, id, sha256: fileSha256(bytes), size: bytes.length };
  });

  host.route("POST", "/api/peer/blob/:kind/:id", {
    role: "public",
    tier: "write",
    summary:
      "Stores a file a pushed state references, verified by SHA-256 (raw inbound peer token)",
  }, async (ctx) => {
    const peer = peerPrincipal(ctx, tokens);
    const { kind, id } = ctx.params;
    const source = sourceOf(host.stateFiles, kind);
    const claimed = ctx.req.headers.get(BLOB_SHA_HEADER);
    if (claimed === null || !/^[0-9a-f]{64}$/.test(claimed)) {
      throw badRequest(`${BLOB_SHA_HEADER} must be the body's hex SHA-256`);
    }
    const bytes = await readBytesCapped(ctx.req, MAX_BLOB_BYTES);
    const sha256 = fileSha256(bytes);
    const audit = (outcome: "success" | "failure", error?: string) =>
      host.audit.record({
        actor: `peer:${peer.user}`,
        category: "cluster",
        action: "blob-receive",
        target: `${kind}/${id}`,
        details: { sha256, ...(error ? { error } : {}) },
        outcome,
      });
    if (sha256 !== claimed) {
      audit("failure", "hash mismatch");
      throw badRequest(`${kind} '${id}': the body's SHA-256 is not ${BLOB_SHA_HEADER}`, {
        sha256,
      });
    }
    try {
      await source.write(id, bytes);
    } catch (e) {
      audit("failure", e instanceof Error ? e.message : String(e));
      throw e;
    }
    audit("success");
    return { kind, id, sha256, stored: true };
  });
}

/** The sender's manifest from a push's header; a malformed one is a 400. */
export function parseFilesHeader(value: string | null): StateFileRef[] | null {
  if (value === null) return null;
  try {
    const list = JSON.parse(value);
    if (
      Array.isArray(list) &&
      list.every((f) =>
        typeof f?.kind === "string" && typeof f?.id === "string" &&
        (f.sha256 === null || typeof f.sha256 === "string")
      )
    ) return list;
  } catch { /* below */ }
  throw badRequest(`${FILES_HEADER} must be JSON [{kind, id, sha256}]`);
}

/**
 * Refuses (422, naming each) a pushed state that names a file this node
 * lacks, or holds in another version than the sender's, so no broken cfg
 * is rendered from it.
 */
export async function checkFiles(
  files: StateFiles,
  doc: unknown,
  sender: StateFileRef[] | null,
): Promise<void> {
  const theirs = new Map((sender ?? []).map((f) => [`${f.kind}/${f.id}`, f.sha256]));
  const problems: string[] = [];
  for (const f of await files.manifest(doc)) {
    const want = theirs.get(`${f.kind}/${f.id}`);
    if (f.sha256 === null) problems.push(`${f.kind} '${f.id}' is missing on this node`);
    else if (want && want !== f.sha256) {
      problems.push(`${f.kind} '${f.id}' differs from the sender's (sha256 ${f.sha256})`);
    }
  }
  if (problems.length) {
    const message = `the state names files this node does not have: ${problems.join("; ")}`;
    throw new HttpError("ValidationError", message, { error: message, files: problems });
  }
}
