/**
 * Runtime routes for servers, frontends, connection limits and counters:
 * drain/maint/ready, weight, frontend disable/enable, maxconn, clear
 * counters, and the servers listing. All go straight to the admin socket
 * (no reload); every mutation is audited with its actor.
 *
 * @module
 */
import { z } from "zod";
import { conflict, haproxyRefused } from "../../core/errors.ts";
import type { PluginHost } from "../../core/plugin.ts";
import { audited, type RuntimeApi } from "./admin.ts";
import { checkName, command, name, serverRef, value, word } from "./command.ts";
import { parseServersState, parseStat } from "./parse.ts";

const StateBody = z.object({ state: z.enum(["ready", "drain", "maint"]) }).strict();
const WeightBody = z.object({ weight: z.number().int().min(0).max(256) }).strict();
/** A frontend's maxconn (0: no limit of its own). HAProxy caps it at the process limit. */
const FrontendMaxBody = z.object({ max: z.number().int().min(0).max(10_000_000) }).strict();
/** The process maxconn; above HAProxy's hard limit it is a 409 naming the state's setting. */
const GlobalMaxBody = z.object({ max: z.number().int().min(1).max(10_000_000) }).strict();
/** HAProxy's answer to `set maxconn global` above the limit it started with. */
const OUT_OF_RANGE = /out of range/i;

/**
 * 409: the runtime global maxconn cannot exceed the limit HAProxy started with,
 * which is `haproxy.global.maxconn` when the state sets it (else HAProxy's own
 * hard limit, from the open-files limit). The fix is a state change, so the
 * message names the setting and its value.
 */
function aboveLimit(max: number, configured: number | undefined, hard: number | null = null) {
  const limit = configured === undefined
    ? `HAProxy's hard limit (${hard ?? "unknown"}; haproxy.global.maxconn is not set in the state)`
    : `haproxy.global.maxconn (${configured})${
      hard !== null && hard < configured ? `, capped by HAProxy at ${hard},` : ""
    }`;
  return conflict(
    `maxconn ${max} is above ${limit}, the most HAProxy accepts at run time; ` +
      `raise haproxy.global.maxconn in the state (PUT /api/state) instead`,
  );
}

/** Registers the server, frontend, maxconn and counters routes. */
export function serverRoutes(host: PluginHost, api: RuntimeApi): void {
  host.route("GET", "/api/haproxy/servers", {
    role: "viewer",
    tier: "read",
    summary: "Every server's operational and admin state, weight and check status",
  }, async () => {
    const states = parseServersState(
      await api.read(command(word("show servers state")), "servers"),
    );
    const stats = parseStat(await api.read(command(word("show stat")), "stats"));
    const byKey = new Map(stats.map((r) => [`${r.pxname}/${r.svname}`, r]));
    return {
      servers: states.map((s) => {
        const st = byKey.get(`${s.backend}/${s.server}`);
        return {
          ...s,
          status: st?.status ?? null,
          checkStatus: st?.check_status || null,
          sessions: st ? { current: Number(st.scur), total: Number(st.stot) } : null,
          // Sessions per second over the last second, 4xx/5xx answers since start, and
          // seconds since the last UP/DOWN change: what the console's backend page shows.
          rate: st ? Number(st.rate) || 0 : null,
          http4xx: st ? Number(st.hrsp_4xx) || 0 : null,
          http5xx: st ? Number(st.hrsp_5xx) || 0 : null,
          lastChangeSec: st?.lastchg ? Number(st.lastchg) : null,
        };
      }),
    };
  });

  host.route("POST", "/api/haproxy/servers/:backend/:server/state", {
    role: "operator",
    tier: "write",
    summary: "Set a server to ready, drain or maint (runtime; no reload)",
  }, async (ctx) => {
    const backend = checkName(ctx.params.backend, "backend");
    const server = checkName(ctx.params.server, "server");
    const { state } = await ctx.body(StateBody);
    const target = `${backend}/${server}`;
    await audited(host.audit, {
      actor: ctx.actor,
      action: "server:state",
      target,
      details: { state },
    }, () =>
      api.mutate(
        command(word("set server"), serverRef(backend, server), word("state"), word(state)),
        `server ${target}`,
      ));
    return { backend, server, state };
  });

  host.route("POST", "/api/haproxy/servers/:backend/:server/weight", {
    role: "operator",
    tier: "write",
    summary: "Set a server's weight 0-256 (runtime; no reload)",
  }, async (ctx) => {
    const backend = checkName(ctx.params.backend, "backend");
    const server = checkName(ctx.params.server, "server");
    const { weight } = await ctx.body(WeightBody);
    const target = `${backend}/${server}`;
    await audited(host.audit, {
      actor: ctx.actor,
      action: "server:weight",
      target,
      details: { weight },
    }, () =>
      api.mutate(
        command(word("set weight"), serverRef(backend, server), value(String(weight), "weight")),
        `server ${target}`,
      ));
    return { backend, server, weight };
  });

  for (const action of ["disable", "enable"] as const) {
    host.route("POST", `/api/runtime/frontends/:name/${action}`, {
      role: "operator",
      tier: "write",
      summary: `${action === "disable" ? "Stop" : "Resume"} accepting connections on a frontend`,
    }, async (ctx) => {
      const frontend = checkName(ctx.params.name, "frontend");
      await audited(host.audit, {
        actor: ctx.actor,
        action: `frontend:${action}`,
        target: frontend,
      }, () =>
        api.mutate(
          command(word(action), word("frontend"), name(frontend, "frontend")),
          `frontend ${frontend}`,
        ));
      return { frontend, enabled: action === "enable" };
    });
  }

  host.route("POST", "/api/runtime/maxconn/frontend/:name", {
    role: "operator",
    tier: "write",
    summary: "Set a frontend's maxconn (runtime; no reload)",
  }, async (ctx) => {
    const frontend = checkName(ctx.params.name, "frontend");
    const { max } = await ctx.body(FrontendMaxBody);
    await audited(host.audit, {
      actor: ctx.actor,
      action: "maxconn:frontend",
      target: frontend,
      details: { max },
    }, () =>
      api.mutate(
        command(
          word("set maxconn frontend"),
          name(frontend, "frontend"),
          value(String(max), "max"),
        ),
        `frontend ${frontend}`,
      ));
    return { frontend, maxconn: max };
  });

  host.route("POST", "/api/runtime/maxconn/global", {
    role: "operator",
    tier: "write",
    summary: "Set the process-wide maxconn (runtime; no reload)",
  }, async (ctx) => {
    const { max } = await ctx.body(GlobalMaxBody);
    await audited(host.audit, {
      actor: ctx.actor,
      action: "maxconn:global",
      target: null,
      details: { max },
    }, async () => {
      const configured = host.state().haproxy.global.maxconn;
      if (configured !== undefined && max > configured) throw aboveLimit(max, configured);
      const reply = await api.attempt(
        command(word("set maxconn global"), value(String(max), "max")),
      );
      if (reply.kind === "done") return;
      if (OUT_OF_RANGE.test(reply.output)) {
        const hard = Number(/^Hard_maxconn:\s*(\d+)/m.exec(await api.raw("show info"))?.[1]);
        throw aboveLimit(max, configured, Number.isFinite(hard) ? hard : null);
      }
      throw haproxyRefused(`HAProxy refused 'set maxconn global ${max}'`, reply.output);
    });
    return { maxconn: max };
  });

  host.route("POST", "/api/runtime/counters/clear", {
    role: "operator",
    tier: "write",
    summary: "Reset every max and total counter (clear counters all)",
  }, async (ctx) => {
    await audited(host.audit, {
      actor: ctx.actor,
      action: "counters:clear",
      target: null,
    }, () => api.mutate(command(word("clear counters all")), "counters"));
    return { cleared: true };
  });
}
