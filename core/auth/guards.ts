/**
 * The request guards, in order: authenticate (bearer token or session
 * cookie; never a token in the query string) → rate limit (every response
 * carries `RateLimit-*`, refused requests count too) → role (the route's
 * declared role; 401 in the client's shape, or 403) → CSRF (cookie
 * sessions; requests without a credential, i.e. login and setup, are only
 * refused when a browser shows they are cross-site). Per-address counts key
 * an IPv6 client by its /64 (client_key.ts).
 *
 * @module
 */
import { HttpError } from "../errors.ts";
import { forbidden } from "../errors.ts";
import type { Guard } from "../http/server.ts";
import { rateLimitHeaders, writeRateLimitHeaders } from "../http/ratelimit.ts";
import { clientKey } from "../http/client_key.ts";
import { actorOf, type Principal } from "../plugin.ts";
import { bearerToken } from "./bearer.ts";
import { authRequired } from "./challenge.ts";
import { sessionIdOf } from "./cookies.ts";
import { checkCrossSite, checkCsrf } from "./csrf.ts";
import { covers } from "./roles.ts";
import type { Auth } from "./service.ts";
import type { Session } from "./sessions.ts";

/** The guards that enforce authentication, rate limits, roles and CSRF. */
export function authGuards(auth: Auth): Guard[] {
  const sessions = new WeakMap<Request, Session>();

  const authenticate: Guard = {
    name: "authenticate",
    check(input) {
      const { req } = input;
      const header = req.headers.get("authorization");
      if (header !== null) {
        const token = bearerToken(header);
        if (token === null) return null;
        const verdict = auth.tokens.verifyCached(token);
        if (verdict !== "uncached") {
          if (verdict === null) auth.tokenFailures.hit(clientKey(input.ip));
          return verdict;
        }
        // Only a token the cache does not know costs bcrypt: refused to a client failing too often.
        const client = clientKey(input.ip);
        if (!auth.tokenFailures.allows(client)) {
          auth.tokenFailures.hit(client);
          return null;
        }
        return auth.tokens.verifyUncached(token).then((p) => {
          if (!p) auth.tokenFailures.hit(client);
          return p;
        });
      }
      const id = sessionIdOf(req);
      const session = id ? auth.sessions.lookup(id) : null;
      if (!session) return null;
      sessions.set(req, session);
      return {
        source: "session",
        user: session.username,
        role: session.role,
        sessionId: session.idHash,
      } satisfies Principal;
    },
  };

  const rateLimit: Guard = {
    name: "rate-limit",
    check(input, headers) {
      const { route, principal } = input;
      const tier = route.options.tier;
      // Actors (alice, token:<keyId>, peer:<name>) never start with "ip:": usernames have no ':'.
      const key = tier === "auth" || !principal ? `ip:${clientKey(input.ip)}` : actorOf(principal);
      const decision = auth.limits[tier].hit(key);
      writeRateLimitHeaders(decision, headers);
      if (!decision.allowed) {
        const h = rateLimitHeaders(decision);
        const message = `rate limit exceeded; retry after ${h["retry-after"]} s`;
        throw new HttpError("TooManyRequests", message, { error: message }, h);
      }
    },
  };

  const role: Guard = {
    name: "role",
    check(input) {
      const { req, route, principal } = input;
      const need = route.options.role;
      if (need === "public") return;
      if (!principal) return authRequired(req, input.url);
      if (!covers(principal.role, need)) {
        throw forbidden(`this needs the ${need} role; you have ${principal.role}`);
      }
    },
  };

  const csrf: Guard = {
    name: "csrf",
    check(input) {
      const { req, principal } = input;
      if (req.method === "GET") return;
      if (principal === null) return checkCrossSite(req, input.url);
      if (principal.source !== "session") return;
      const session = sessions.get(req);
      if (session) return checkCsrf(req, input.url, session.csrf);
    },
  };

  return [authenticate, rateLimit, role, csrf];
}
