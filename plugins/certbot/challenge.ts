/**
 * The HTTP-01 challenge route. While any `letsencrypt` provider uses
 * HTTP-01, every HTTP frontend gets, ahead of its own rules:
 *
 * ```
 * http-request allow if { path_beg /.well-known/acme-challenge/ }
 * use_backend _pp_acme if { path_beg /.well-known/acme-challenge/ }
 * ```
 *
 * `allow` ends the frontend's `http-request` rules for challenge paths (so
 * an HTTPS redirect, a deny or an auth rule cannot break a validation), and
 * the `use_backend` comes before every other one. The `_pp_acme` backend
 * (a name no state entity can take) has one server: the loopback port where
 * `certbot --standalone` listens while it runs. Otherwise nothing listens
 * there, the connection is refused at once, and the backend's `errorfile
 * 503` answers 404 instead: nothing else is exposed, and no health check
 * delays the route when certbot starts.
 *
 * @module
 */
import { join } from "node:path";
import type { State } from "../../core/state/schema.ts";
import type { ConfigModel, Directive } from "../../core/render/model.ts";
import type { RenderContext } from "../../core/render/haproxy.ts";
import type { RefIssue } from "../../core/state/schema.ts";
import { providersOf } from "./state_view.ts";

/** The backend the challenge route uses. */
export const CHALLENGE_BACKEND = "_pp_acme";

const PATH_COND = ["{", "path_beg", "/.well-known/acme-challenge/", "}"];

/** The 404 HAProxy answers on the challenge path when certbot is not running. */
export const NOT_RUNNING_RESPONSE = [
  "HTTP/1.1 404 Not Found",
  "content-type: text/plain",
  "content-length: 10",
  "cache-control: no-store",
  "connection: close",
  "",
  "not found\n",
].join("\r\n");

/** Whether the state needs the route: some letsencrypt provider uses HTTP-01. */
export function needsChallengeRoute(state: State): boolean {
  return providersOf(state).some((p) => p.challenge.type === "http-01");
}

/** The render hook, for certbot listening on `127.0.0.1:<port>`. */
export function challengeRender(port: number) {
  return (model: ConfigModel, state: State, ctx: RenderContext): void => {
    if (!needsChallengeRoute(state)) return;
    const defaultMode = state.haproxy.defaults.mode;
    let any = false;
    for (const fe of state.haproxy.frontends) {
      if ((fe.mode ?? defaultMode) !== "http") continue;
      const section = model.section("frontend", fe.id);
      if (!section) continue;
      any = true;
      const entity = { kind: "frontend", id: fe.id };
      const allow: Directive = {
        keyword: "http-request",
        args: ["allow", "if", ...PATH_COND],
        entity,
      };
      const route: Directive = {
        keyword: "use_backend",
        args: [CHALLENGE_BACKEND, "if", ...PATH_COND],
        entity,
      };
      insertBefore(section.directives, RULES, allow);
      insertBefore(section.directives, ROUTES, route);
    }
    if (!any) return;
    const errorfile = join(ctx.paths.dataDir, "haproxy-acme-404.http");
    model.file({ path: errorfile, content: NOT_RUNNING_RESPONSE, mode: 0o644 });
    model.add({
      kind: "backend",
      name: CHALLENGE_BACKEND,
      directives: [
        { keyword: "mode", args: ["http"] },
        { keyword: "retries", args: ["0"] },
        { keyword: "timeout", args: ["connect", "2s"] },
        { keyword: "timeout", args: ["server", "30s"] },
        { keyword: "errorfile", args: ["503", errorfile] },
        { keyword: "server", args: ["certbot", `127.0.0.1:${port}`] },
      ],
    });
  };
}

const RULES = new Set(["http-request", "http-response", "use_backend", "default_backend"]);
const ROUTES = new Set(["use_backend", "default_backend"]);

function insertBefore(lines: Directive[], keywords: Set<string>, line: Directive): void {
  const at = lines.findIndex((d) => keywords.has(d.keyword));
  lines.splice(at < 0 ? lines.length : at, 0, line);
}

/** A state may not bind the port certbot's standalone listener takes. */
export function challengePortCheck(port: number) {
  return (state: State): RefIssue[] => {
    if (!needsChallengeRoute(state)) return [];
    const issues: RefIssue[] = [];
    state.haproxy.frontends.forEach((fe, fi) => {
      fe.binds.forEach((b, bi) => {
        if (Number(b.address.slice(b.address.lastIndexOf(":") + 1)) === port) {
          issues.push({
            path: ["haproxy", "frontends", fi, "binds", bi, "address"],
            message: `port ${port} is certbot's HTTP-01 listener (config certbot.challengePort)`,
          });
        }
      });
    });
    return issues;
  };
}
