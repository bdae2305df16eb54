/**
 * The plugin contract suite: what every plugin, built-in or third-party,
 * must do, checked against a real daemon with a real HAProxy (through the
 * in-memory harness of `testing.ts`). One call registers one `Deno.test`
 * with a step per clause:
 *
 * - its render is deterministic and accepted by `haproxy -c`;
 * - its schema fragment round-trips (what the API answers re-parses to itself,
 *   and a PUT of it changes nothing);
 * - every route it registers declares a role and a tier, and answers its
 *   errors in the documented `{error}` envelope;
 * - its services start without crashing and stop cleanly.
 *
 * @example
 * ```ts
 * import { pluginContract } from "./tests/plugin_contract.ts";
 * import maintenanceWindow from "./examples/maintenance-window/plugin.ts";
 *
 * pluginContract({ plugin: () => maintenanceWindow() });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Harness, startHarness } from "../testing.ts";
import { definePlugin, type Plugin, type PluginHost, type Service } from "../mod.ts";

/** What {@link pluginContract} needs to run a plugin. */
export interface ContractOptions {
  /** Makes the plugin under test. */
  plugin: () => Plugin;
  /** Makes the plugins it depends on (registered before it). */
  dependencies?: () => Plugin[];
  /**
   * A state that uses the plugin (its keys and whatever it renders for).
   * Default: an empty state, which exercises the fragment's defaults.
   */
  state?: () => Record<string, unknown>;
  /** config.yaml values the plugin needs. */
  config?: Record<string, unknown>;
}

/** What a wrapped service did, for the "stops cleanly" clause. */
interface ServiceWatch {
  name: string;
  stopError: unknown;
  stopped: boolean;
  /** Resolves when its run() loop returns (at once for a service without one). */
  runEnded: Promise<void>;
}

const ROLES = new Set(["public", "viewer", "operator", "admin"]);
const TIERS = new Set(["read", "write", "auth"]);

/** Registers the contract test for one plugin. */
export function pluginContract(opts: ContractOptions): void {
  const name = opts.plugin().name;
  Deno.test(`plugin contract - ${name}`, async (t) => {
    const watches: ServiceWatch[] = [];
    const h = await startHarness({
      plugins: [...(opts.dependencies?.() ?? []), watched(opts.plugin(), watches)],
      config: opts.config,
      state: opts.state?.(),
    });
    let stopped = false;
    try {
      await t.step("render is deterministic and accepted by haproxy -c", () => renders(h));
      await t.step("schema fragment round-trips", () => roundTrips(h, name));
      await t.step("routes declare role and tier", () => declares(h, name));
      await t.step("routes answer errors in the envelope", () => envelopes(h, name));
      await t.step("services start and stop cleanly", async () => {
        const crashed = h.daemon.audit.list({ limit: 1000, category: "plugin" }).filter((e) =>
          e.action === "service:crashed" && e.target?.startsWith(`${name}/`)
        );
        assert.deepEqual(crashed.map((e) => e.details), [], "no service crashed");
        stopped = true;
        await h.stop();
        for (const w of watches) {
          assert.ok(w.stopped, `service ${w.name} was stopped`);
          assert.equal(w.stopError, null, `service ${w.name} stopped without an error`);
          await w.runEnded; // a run() loop that ignores its signal never ends: the test fails
        }
      });
    } finally {
      if (!stopped) await h.stop();
    }
  });
}

/**
 * The clauses on their own, each throwing an assertion error when a plugin
 * breaks it: for a suite of one's own, and for the suite's own test.
 */
export const clauses = {
  renders: (h: Harness) => renders(h),
  roundTrips: (h: Harness, plugin: string) => roundTrips(h, plugin),
  declares: (h: Harness, plugin: string) => declares(h, plugin),
  envelopes: (h: Harness, plugin: string) => envelopes(h, plugin),
};

/** Planning the live state twice gives the same, empty diff, and `haproxy -c` accepts it. */
async function renders(h: Harness): Promise<void> {
  const state = await h.request("GET", "/api/state");
  assert.equal(state.status, 200, state.text);
  const plans = [];
  for (let i = 0; i < 2; i++) {
    const plan = await h.request<{ ok: boolean; diff: string; output: string }>(
      "POST",
      "/api/state/plan",
      state.body,
    );
    assert.equal(plan.status, 200, plan.text);
    assert.ok(plan.body.ok, `haproxy -c refused the render: ${plan.body.output}`);
    plans.push(plan.body.diff);
  }
  assert.equal(plans[0], plans[1], "two renders of one state differ");
  assert.ok(!plans[0].includes("\n@@"), `the render differs from the applied cfg:\n${plans[0]}`);
}

/** The plugin's keys re-parse to themselves, and a PUT of the answered state changes nothing. */
async function roundTrips(h: Harness, name: string): Promise<void> {
  const plugin = h.daemon.registry.plugins.find((p) => p.name === name)!;
  const current = h.daemon.store.current() as unknown as Record<string, unknown>;
  for (const [key, fragment] of Object.entries(plugin.schema ?? {})) {
    const again = fragment.safeParse(current[key]);
    assert.ok(again.success, `'${key}' does not re-parse: ${again.error?.message}`);
    assert.deepEqual(again.data, current[key], `'${key}' changes when parsed again`);
  }
  const answered = await h.request("GET", "/api/state");
  const put = await h.request("PUT", "/api/state", answered.body);
  assert.equal(put.status, 200, put.text);
  assert.equal(put.headers.get("patchpanel-apply"), "unchanged", "a PUT of GET changed the state");
}

/** Every route of the plugin declares a known role and tier. */
function declares(h: Harness, name: string): void {
  for (const r of h.daemon.registry.routes.filter((r) => r.plugin === name)) {
    assert.ok(ROLES.has(r.options.role), `${r.method} ${r.path}: role '${r.options.role}'`);
    assert.ok(TIERS.has(r.options.tier), `${r.method} ${r.path}: tier '${r.options.tier}'`);
  }
}

/**
 * Errors come in the envelope: an anonymous call of a non-public API route
 * is a 401, a viewer's call of a higher one a 403, a malformed body to a
 * route that declares one a 400, and a GET of an unknown entity never a 500.
 */
async function envelopes(h: Harness, name: string): Promise<void> {
  const routes = h.daemon.registry.routes.filter((r) =>
    r.plugin === name && r.path.startsWith("/api/")
  );
  for (const r of routes) {
    const path = r.path.replace(/:[A-Za-z]+/g, "no-such-entity");
    const where = `${r.method} ${r.path}`;
    if (r.options.role !== "public") {
      enveloped(await h.request(r.method, path, undefined, { as: "anonymous" }), 401, where);
    }
    if (r.options.role === "operator" || r.options.role === "admin") {
      enveloped(await h.request(r.method, path, undefined, { as: "viewer" }), 403, where);
    }
    if (r.method !== "GET" && r.options.request && !r.path.includes(":")) {
      enveloped(await h.request(r.method, path, "{not json"), 400, where);
    }
    if (r.method === "GET" && r.path.includes(":")) {
      const res = await h.request("GET", path);
      assert.notEqual(res.status, 500, `${where} with an unknown entity: ${res.text}`);
      if (res.status >= 400) enveloped(res, res.status, where);
    }
  }
}

function enveloped(
  res: { status: number; headers: Headers; body: unknown; text: string },
  status: number,
  where: string,
): void {
  assert.equal(res.status, status, `${where}: ${res.text}`);
  assert.match(res.headers.get("content-type") ?? "", /json/, `${where}: not JSON`);
  const body = res.body as { error?: unknown };
  assert.equal(typeof body?.error, "string", `${where}: no {error} envelope: ${res.text}`);
}

/** The plugin with each registered service wrapped, to see its stop and its run() end. */
function watched(plugin: Plugin, watches: ServiceWatch[]): Plugin {
  if (!plugin.setup) return plugin;
  const setup = plugin.setup.bind(plugin);
  return definePlugin({
    ...plugin,
    setup(host: PluginHost) {
      const proxy = new Proxy(host, {
        get(target, key) {
          if (key === "service") {
            return (service: Service) => target.service(watch(service, watches));
          }
          const value = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      return setup(proxy);
    },
  });
}

function watch(service: Service, watches: ServiceWatch[]): Service {
  const ended = Promise.withResolvers<void>();
  const w: ServiceWatch = {
    name: service.name,
    stopError: null,
    stopped: false,
    runEnded: ended.promise,
  };
  watches.push(w);
  const wrapped: Service = {
    name: service.name,
    start: () => service.start(),
    async stop() {
      w.stopped = true;
      try {
        await service.stop();
      } catch (error) {
        w.stopError = error;
        throw error;
      }
    },
  };
  if (service.run) {
    const run = service.run.bind(service);
    wrapped.run = async (signal) => {
      try {
        await run(signal);
      } finally {
        ended.resolve();
      }
    };
  } else ended.resolve();
  return wrapped;
}
