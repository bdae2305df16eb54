/**
 * The layering the architecture promises, checked over the real import graph
 * (`deno info --json` over every source file, so comments and doc examples do
 * not count and re-exports are followed as Deno resolves them):
 *
 * - `core/` imports neither `plugins/` nor `ui/` nor `app/` (nor the console
 *   kit `mod_ui.ts`), so a headless daemon is the same code minus one import;
 * - `core/plugin.ts`, the contract, imports types only;
 * - a plugin under `plugins/<name>/` imports its own files, the public
 *   entries `mod.ts` / `mod_ui.ts`, or names those entries re-export, taken
 *   from the file that declares them (so a plugin's graph does not pull the
 *   console through `mod.ts`); its tests may also use `testing.ts` and
 *   `tests/`. Every other import is listed in {@link INTERNAL_IMPORTS} with
 *   the reason it remains; the list may only shrink: an entry no longer
 *   needed fails the test as much as an import it does not list;
 * - an example plugin under `examples/` uses only the public entries (and the
 *   default plugin set, for its custom build).
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const ROOT = fromFileUrl(new URL("../", import.meta.url));
const PUBLIC_ENTRIES = ["mod.ts", "mod_ui.ts"];

/**
 * The imports from plugins into internals that remain, by target file, with
 * why, and by importer the names imported. Remove an entry when its import
 * goes (the test then insists); never add one without saying why here.
 */
const INTERNAL_IMPORTS: Record<string, { why: string; by: Record<string, string[]> }> = {
  "core/apply/mutex.ts": {
    why: "plugins that write their own files (uploads, credentials, Lua scripts) serialize the " +
      "writes with the core's lock class; not yet part of the public surface",
    by: {
      "plugins/byo-certs/files.ts": ["Mutex"],
      "plugins/byo-certs/mod.ts": ["Mutex"],
      "plugins/byo-certs/routes.ts": ["Mutex"],
      "plugins/certbot/issuer.ts": ["Mutex"],
      "plugins/lua/files.ts": ["Mutex"],
      "plugins/lua/mod.ts": ["Mutex"],
      "plugins/lua/routes.ts": ["Mutex"],
      "plugins/trusted-cas/routes.ts": ["Mutex"],
    },
  },
  "core/fsutil.ts": {
    why: "atomic file writes (temp + rename + fsync) for plugin-owned files: one implementation, " +
      "shared rather than copied into each plugin",
    by: {
      "plugins/byo-certs/files.ts": ["readTextOrNull"],
      "plugins/byo-certs/store.ts": ["syncDir", "writeFileAtomic"],
      "plugins/certbot/credentials.ts": ["writeFileAtomic"],
      "plugins/lua/store.ts": ["readTextOrNull", "writeFileAtomic"],
      "plugins/runtime/acls.ts": ["readTextOrNull"],
      "plugins/trusted-cas/store.ts": ["readTextOrNull", "syncDir", "writeFileAtomic"],
    },
  },
  "core/pem.ts": {
    why: "PEM and X.509 parsing shared by the core's own TLS listener and the certificate " +
      "plugins (one parser, not four)",
    by: {
      "plugins/byo-certs/routes.ts": ["daysUntil", "parseCertificates", "summarize"],
      "plugins/byo-certs/validate.ts": [
        "keyTypeOf",
        "oneLineName",
        "parseCertificates",
        "parsePrivateKey",
        "subjectAltNames",
      ],
      "plugins/certbot/issuer.ts": ["subjectAltNames"],
      "plugins/tls/inventory.ts": [
        "daysUntil",
        "oneLineName",
        "parseCertificates",
        "subjectAltNames",
      ],
      "plugins/trusted-cas/validate.ts": [
        "CertSummary",
        "oneLineName",
        "parseCertificates",
        "pemBlocks",
        "summarize",
      ],
    },
  },
  "core/state/schema.ts": {
    why: "the duplicate-key helper the core's own cross-reference checks use; the tls render " +
      "test composes the state schema to parse its fixture",
    by: {
      "plugins/tls/checks.ts": ["duplicates"],
      "plugins/tls/render_test.ts": ["composeStateSchema"],
      "plugins/trusted-cas/checks.ts": ["duplicates"],
    },
  },
  "core/state_files.ts": {
    why: "the SHA-256 of a state file and the digest of a file manifest, which a peer " +
      "compares with the leader's to sync blobs and to report file drift",
    by: {
      "plugins/peers/blobs.ts": ["fileSha256"],
      "plugins/peers/sync.ts": ["fileSha256", "manifestDigest"],
    },
  },
  "core/apply/confirm_types.ts": {
    why: "the traffic sample shape the confirm window compares, which stats provides",
    by: { "plugins/stats/traffic.ts": ["TrafficProxy", "TrafficSample", "TrafficSource"] },
  },
  "core/auth/bearer.ts": {
    why: "peers authenticate node-to-node calls with the same Authorization parser as the core",
    by: { "plugins/peers/peer_auth.ts": ["bearerToken"] },
  },
  "core/auth/roles.ts": {
    why: "the access-log routes filter by the caller's role with the core's role order",
    by: { "plugins/accesslog/routes.ts": ["covers"] },
  },
  "core/haproxy/admin_probe.ts": {
    why: "stats probes the admin socket the way the core's start-up check does",
    by: { "plugins/stats/mod.ts": ["probeAdminSocket"] },
  },
  "core/haproxy/check.ts": {
    why: "lua runs `haproxy -c` on a script before storing it, with the core's timeout and output",
    by: {
      "plugins/lua/check.ts": ["checkConfig"],
      "plugins/lua/lua_test.ts": ["checkConfig"],
    },
  },
  "core/http/body.ts": {
    why: "a peer receives blobs as raw bytes with the same size cap the core's bodies have",
    by: { "plugins/peers/blobs.ts": ["readBytesCapped"] },
  },
  "core/https.ts": {
    why: "certbot's placeholder certificate uses the same self-signed recipe as the listener",
    by: { "plugins/certbot/files.ts": ["selfSignedArgs"] },
  },
  "core/render/haproxy.ts": {
    why: "runtime writes an ACL file where the renderer points HAProxy at it",
    by: { "plugins/runtime/acls.ts": ["aclFilePath"] },
  },
  "core/render/operator_files.ts": {
    why: "runtime writes a map file where the renderer points HAProxy at it",
    by: { "plugins/runtime/maps.ts": ["mapFilePath"] },
  },
  "core/paths.ts": {
    why: "the tls render test renders a state with the core renderer directly",
    by: { "plugins/tls/render_test.ts": ["dataPaths"] },
  },
  "core/render/render.ts": {
    why: "the tls render test renders a state with the core renderer directly",
    by: { "plugins/tls/render_test.ts": ["renderState"] },
  },
  "core/state/backend_memo.ts": {
    why: "the tls render test renders a state with the core renderer directly",
    by: { "plugins/tls/render_test.ts": ["BackendMemo"] },
  },
  "core/state/entity_fields.ts": {
    why: "the tls render test composes binds and servers with the plugin's tls fields",
    by: { "plugins/tls/render_test.ts": ["entitySchemas"] },
  },
  "plugins/mod.ts": {
    why: "the test checks every event a built-in plugin declares becomes a notice",
    by: { "plugins/notifications/events_test.ts": ["defaultPlugins"] },
  },
  "plugins/stats/mod.ts": {
    why: "the geoip test needs stats' samples to look countries up in",
    by: { "plugins/geoip/geoip_test.ts": ["stats"] },
  },
};

/** The name recorded for `declare module "…"` (merging into a public interface). */
const AUGMENTS = "(declare module)";

/** One edge of the import graph: who imports what, how, and which names. */
interface Edge {
  from: string;
  /** A path relative to the repository, or the bare specifier for npm: / node:. */
  to: string;
  external: boolean;
  typeOnly: boolean;
  /** The imported names; `*` for a namespace, default or dynamic import. */
  names: string[];
}

async function sourceFiles(): Promise<string[]> {
  const out: string[] = [...PUBLIC_ENTRIES, "testing.ts", "main.ts"];
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(join(ROOT, dir))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) {
        if (e.name !== "node_modules" && e.name !== "testdata") await walk(rel);
      } else if (/\.tsx?$/.test(e.name)) out.push(rel);
    }
  }
  for (const dir of ["core", "plugins", "ui", "app", "examples"]) await walk(dir);
  return out.sort();
}

/** The names each import or export-from statement of `specifier` in `source` names. */
function importedNames(source: string, specifier: string): string[] {
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const statement = new RegExp(
    `^\\s*(?:import|export)\\s+(?:type\\s+)?([^;]*?)\\s*from\\s*["']${quoted}["']`,
    "gm",
  );
  const names = new Set<string>();
  let found = false;
  for (const m of source.matchAll(statement)) {
    found = true;
    const clause = m[1].trim();
    const braces = clause.match(/\{([^}]*)\}/);
    if (!braces || /^[\w$]+\s*,|^\*/.test(clause)) names.add("*");
    for (const part of braces?.[1].split(",") ?? []) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0].trim();
      if (name) names.add(name);
    }
  }
  if (!found && new RegExp(`^declare module ["']${quoted}["']`, "m").test(source)) {
    names.add(AUGMENTS); // declaration merging, as the contract asks for plugin state and events
  } else if (!found) names.add("*"); // side-effect or dynamic import
  return [...names].sort();
}

async function importGraph(): Promise<Edge[]> {
  const files = await sourceFiles();
  const tmp = await Deno.makeTempDir({ prefix: "pp-import-graph-" });
  try {
    const entry = join(tmp, "entry.ts");
    await Deno.writeTextFile(
      entry,
      files.map((f) => `import ${JSON.stringify(`file://${join(ROOT, f)}`)};\n`).join(""),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(ROOT, "deno.json"), entry],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: {
        specifier: string;
        dependencies?: {
          specifier: string;
          code?: { specifier?: string };
          type?: { specifier?: string };
        }[];
      }[];
    };
    const edges: Edge[] = [];
    const rootUrl = `file://${ROOT}`;
    for (const mod of info.modules) {
      if (!mod.specifier.startsWith(rootUrl)) continue;
      const from = relative(ROOT, fromFileUrl(mod.specifier));
      if (from.startsWith("..")) continue; // the generated entry
      const source = await Deno.readTextFile(join(ROOT, from));
      for (const dep of mod.dependencies ?? []) {
        const resolved = dep.code?.specifier ?? dep.type?.specifier ?? dep.specifier;
        const local = resolved.startsWith("file://");
        edges.push({
          from,
          to: local ? normalize(relative(ROOT, fromFileUrl(resolved))) : resolved,
          external: !local,
          typeOnly: dep.code === undefined,
          names: importedNames(source, dep.specifier),
        });
      }
    }
    return edges;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/** For each file the public entries re-export from, the names they re-export. */
function publicNames(edges: Edge[]): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!PUBLIC_ENTRIES.includes(e.from)) continue;
    const set = names.get(e.to) ?? new Set<string>();
    for (const n of e.names) if (n !== "*") set.add(n);
    names.set(e.to, set);
  }
  return names;
}

const isTest = (f: string) => /_test\.tsx?$/.test(f);
const under = (f: string, dir: string) => f.startsWith(`${dir}/`);

/** The plugin imports outside their own folder and the public surface, as `from -> to: names`. */
function pluginInternals(edges: Edge[]): string[] {
  const pub = publicNames(edges);
  const out: string[] = [];
  for (const e of edges) {
    if (!under(e.from, "plugins") || e.external) continue;
    const own = e.from === "plugins/mod.ts" ? null : `plugins/${e.from.split("/")[1]}`;
    if (own && under(e.to, own)) continue;
    if (!own && /^plugins\/[^/]+\/mod\.ts$/.test(e.to)) continue; // the default set
    if (PUBLIC_ENTRIES.includes(e.to)) continue;
    if (isTest(e.from) && (e.to === "testing.ts" || under(e.to, "tests"))) continue;
    const exported = pub.get(e.to);
    // Augmenting a module is fine where the public surface exports from it
    // (PluginState, Events): that is how a plugin types its state and events.
    const rest = e.names.filter((n) => !exported?.has(n) && !(n === AUGMENTS && exported));
    if (rest.length) out.push(`${e.from} -> ${e.to}: ${rest.join(", ")}`);
  }
  return out.sort();
}

const edges = await importGraph();

Deno.test("import graph - the scan sees the whole tree", () => {
  const from = new Set(edges.map((e) => e.from));
  for (
    const f of ["core/plugin.ts", "mod.ts", "mod_ui.ts", "plugins/tls/mod.ts", "app/daemon.ts"]
  ) {
    assert.ok(from.has(f), `${f} is in the graph`);
  }
  assert.ok([...from].filter((f) => under(f, "plugins")).length > 100);
  // The name reading is what the plugin rule rests on: it must see names.
  const sample = edges.find((e) => e.from === "plugins/tls/mod.ts" && e.to === "core/plugin.ts");
  assert.deepEqual(sample?.names.includes("definePlugin"), true);
});

Deno.test("import graph - core imports neither plugins, ui, app nor the console kit", () => {
  const bad = edges.filter((e) =>
    under(e.from, "core") &&
    (under(e.to, "plugins") || under(e.to, "ui") || under(e.to, "app") || e.to === "mod_ui.ts")
  ).map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual(bad, []);
});

Deno.test("import graph - the plugin contract imports types only", () => {
  const contract = edges.filter((e) => e.from === "core/plugin.ts");
  assert.ok(contract.length > 5);
  assert.deepEqual(contract.filter((e) => !e.typeOnly).map((e) => e.to), []);
});

Deno.test("import graph - plugins reach internals only as the allow-list says, and it only shrinks", () => {
  const listed = Object.entries(INTERNAL_IMPORTS).flatMap(([to, entry]) =>
    Object.entries(entry.by).map(([from, names]) =>
      `${from} -> ${to}: ${[...names].sort().join(", ")}`
    )
  ).sort();
  const actual = pluginInternals(edges);
  assert.deepEqual(
    actual.filter((v) => !listed.includes(v)),
    [],
    "a plugin imports internals the allow-list does not name: import from mod.ts / mod_ui.ts",
  );
  assert.deepEqual(
    listed.filter((v) => !actual.includes(v)),
    [],
    "an allow-list entry is no longer needed (or names more than is imported): remove it",
  );
});

Deno.test("import graph - an example plugin uses only the public entries", () => {
  const bad = edges.filter((e) => {
    if (!under(e.from, "examples") || e.external) return false;
    if (e.to.startsWith(dirname(e.from) + "/")) return false;
    if ([...PUBLIC_ENTRIES, "plugins/mod.ts"].includes(e.to)) return false;
    return !(isTest(e.from) && (e.to === "testing.ts" || e.to === "tests/plugin_contract.ts"));
  }).map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual(bad, []);
});
