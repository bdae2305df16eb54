/**
 * The auth split of the server-to-server surface. `/api/peer/*` routes are
 * declared `public` to the core guards (which only know `pp_` tokens and
 * sessions) and authenticate here: only a raw inbound token passes. A
 * caller the core already identified (a `pp_` API token or a session) is
 * refused with 401 too, so the two surfaces cannot be mixed up either way;
 * `/api/peers/*` needs a role, which a raw inbound token never yields.
 *
 * @module
 */
import { unauthorized } from "../../core/errors.ts";
import type { Principal, RequestContext } from "../../core/plugin.ts";
import { bearerToken } from "../../core/auth/bearer.ts";
import type { InboundToken, InboundTokens } from "./inbound.ts";

/** The peer principal (and its inbound token) for a request on `/api/peer/*`, or a 401. */
export function peerPrincipal(
  ctx: RequestContext,
  tokens: InboundTokens,
): Principal & { token: InboundToken } {
  if (ctx.principal !== null) {
    throw unauthorized(
      "/api/peer/* takes a raw inbound peer token, not an API token or a session",
    );
  }
  const header = ctx.req.headers.get("authorization");
  const raw = header === null ? null : bearerToken(header);
  if (raw === null) throw unauthorized("a raw inbound peer token is required (Bearer)");
  const token = tokens.verify(raw);
  if (!token) throw unauthorized("unknown or disabled inbound peer token");
  return { source: "peer", user: token.label, role: "operator", token };
}
