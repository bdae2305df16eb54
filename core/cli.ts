/**
 * The `patchpanel` command line: `serve`, `stop`, `render`, `check`, `user-add`, `user-reset`,
 * `backup-pre`, `backup-post`, `version`. Every command answers `--help` with its usage.
 * It takes the plugin list from its caller (`main.ts` passes the default
 * set; a custom build passes its own), so nothing here imports a plugin.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname, resolve } from "node:path";
import YAML from "yaml";
import { loadPluginModules } from "./plugin_loader.ts";
import { parseConfig } from "./config.ts";
import { StartupError } from "./errors.ts";
import type { Plugin } from "./plugin.ts";
import { Registry } from "./registry.ts";
import { offlineRenderer } from "./offline.ts";
import { dataPaths } from "./paths.ts";
import { checkConfig } from "./haproxy/check.ts";
import { writeGenerated } from "./apply/files.ts";
import { startDaemon } from "./daemon.ts";
import { readTextOrNull } from "./fsutil.ts";
import { formatVersion, haproxyBuild, VERSION } from "./version.ts";
import { backupPost, backupPre } from "./backup.ts";
import { stopAll } from "./stop.ts";
import { USER_USAGE, userCommand } from "./auth/cli.ts";

/** Each command's usage lines, for `patchpanel <command> --help` and the overview. */
const COMMAND_USAGE: Record<string, string> = {
  serve: `  serve    [--config FILE] [--data-dir DIR] [--listen HOST:PORT] [--seed | --empty]
           run the daemon; on SIGTERM/SIGINT it exits and the embedded HAProxy keeps serving`,
  stop: `  stop     [--config FILE] [--data-dir DIR] [--keep-haproxy]
           stop the daemon of DIR and its embedded HAProxy (--keep-haproxy: only the daemon)`,
  render: "  render   --state FILE [--data-dir DIR]     print the haproxy.cfg a state renders to",
  check: "  check    --state FILE                      render into a scratch dir, then haproxy -c",
  "user-add": USER_USAGE.split("\n").slice(0, 2).join("\n"),
  "user-reset": USER_USAGE.split("\n").slice(2).join("\n"),
  "backup-pre":
    "  backup-pre  [--config FILE] [--data-dir DIR]  quiesce changes; write consistent copies to <data>/backup",
  "backup-post":
    "  backup-post [--config FILE] [--data-dir DIR]  resume changes; remove the copies",
  version: `  version  [--config FILE] [--data-dir DIR] [--json]
           print patchpanel's, Deno's and HAProxy's versions and HAProxy's build options
           (exit 1 when the configured haproxy.binary cannot be run)`,
};

const USAGE = `usage: patchpanel <command> [options]

${Object.values(COMMAND_USAGE).join("\n")}`;

/** The names of every command, for tests that ask each one for `--help`. */
export const COMMANDS: readonly string[] = Object.keys(COMMAND_USAGE);

/** Runs one CLI invocation; returns the exit code. */
export async function runCli(args: string[], plugins: Plugin[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return 0;
  }
  if (command in COMMAND_USAGE && (rest.includes("--help") || rest.includes("-h"))) {
    console.log(`usage: patchpanel\n${COMMAND_USAGE[command]}`);
    return 0;
  }
  try {
    switch (command) {
      case "serve":
        return await serve(rest, plugins);
      case "stop":
        return await stopCommand(rest, plugins);
      case "render":
      case "check":
        return await renderOrCheck(command, rest, plugins);
      case "user-add":
      case "user-reset":
        return await userCommand(command, rest, async (file, dataDir) => {
          const text = await loadConfigText(file, dataDir);
          return parseConfig(text, new Registry(plugins).configFragments, file ?? "config.yaml");
        });
      case "backup-pre":
      case "backup-post":
        return await backupCommand(command, rest, plugins);
      case "version":
        return await versionCommand(rest, plugins);
      default:
        console.error(USAGE);
        return command ? 2 : 0;
    }
  } catch (e) {
    if (e instanceof StartupError) {
      console.error(`patchpanel: ${e.message}`);
      return 1;
    }
    if (isArgError(e)) {
      console.error(`patchpanel ${command}: ${(e as Error).message}`);
      console.error(`usage: patchpanel\n${COMMAND_USAGE[command]}`);
      return 2;
    }
    throw e;
  }
}

/** node:util parseArgs rejects an unknown or malformed option with a TypeError carrying a code. */
function isArgError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof TypeError && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

async function loadConfigText(path: string | undefined, dataDir: string | undefined) {
  if (path) return await Deno.readTextFile(path);
  const beside = await readTextOrNull(resolve(dataDir ?? "./.patchpanel", "config.yaml"));
  return beside ?? "";
}

/** The `plugins:` list of a config text, read before the full parse (it decides the schema). */
function pluginSpecs(text: string): string[] {
  let raw: unknown;
  try {
    raw = text.trim() ? YAML.parse(text) : {};
  } catch {
    return []; // parseConfig reports the YAML error with its location.
  }
  const list = (raw as { plugins?: unknown } | null)?.plugins;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === "string") : [];
}

async function serve(args: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      "data-dir": { type: "string" },
      listen: { type: "string" },
      seed: { type: "boolean", default: false },
      empty: { type: "boolean", default: false },
    },
  });
  const text = await loadConfigText(values.config, values["data-dir"]);
  const configDir = values.config
    ? dirname(resolve(values.config))
    : resolve(values["data-dir"] ?? "./.patchpanel");
  plugins = [...plugins, ...await loadPluginModules(pluginSpecs(text), configDir)];
  const registry = new Registry(plugins);
  const base = parseConfig(text, registry.configFragments, values.config ?? "config.yaml");
  const config: Record<string, unknown> = { ...base };
  if (values["data-dir"]) config.dataDir = values["data-dir"];
  if (values.listen) config.listen = values.listen;
  const daemon = await startDaemon({ config, plugins, seed: values.seed && !values.empty });
  console.log(`patchpanel ${VERSION} serving on ${daemon.url} (data: ${daemon.paths.dataDir})`);
  const done = Promise.withResolvers<void>();
  const shutdown = () => done.resolve();
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
  await done.promise;
  await daemon.stop();
  return 0;
}

async function stopCommand(args: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      "data-dir": { type: "string" },
      "keep-haproxy": { type: "boolean", default: false },
    },
  });
  const text = await loadConfigText(values.config, values["data-dir"]);
  const config = parseConfig(
    text,
    new Registry(plugins).configFragments,
    values.config ?? "config.yaml",
  );
  const dataDir = resolve(values["data-dir"] ?? config.dataDir);
  const paths = dataPaths(dataDir);
  // Attach mode: HAProxy belongs to systemd, so only the daemon is ours to stop.
  const haproxy = config.haproxy.mode === "embedded" && !values["keep-haproxy"];
  const report = await stopAll(paths, { haproxy });
  const parts = [
    report.daemon !== null ? `daemon ${report.daemon} stopped` : "no daemon was running",
    haproxy
      ? (report.haproxy !== null
        ? `HAProxy master ${report.haproxy} stopped`
        : "no embedded HAProxy was running")
      : "HAProxy left running",
  ];
  console.log(`patchpanel: ${parts.join("; ")} (${dataDir})`);
  return 0;
}

async function renderOrCheck(cmd: string, args: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { state: { type: "string" }, "data-dir": { type: "string" } },
  });
  if (!values.state) {
    console.error(USAGE);
    return 2;
  }
  // `check` renders into a scratch data directory so it never touches a live one.
  const scratch = cmd === "check" ? await Deno.makeTempDir({ prefix: "patchpanel-check-" }) : null;
  const paths = dataPaths(scratch ?? resolve(values["data-dir"] ?? "./.patchpanel"));
  const offline = await offlineRenderer(plugins, paths);
  const parsed = offline.schema.safeParse(JSON.parse(await Deno.readTextFile(values.state)));
  offline.close();
  if (!parsed.success) {
    console.error(
      JSON.stringify({ error: "ValidationError", issues: parsed.error.issues }, null, 2),
    );
    return 1;
  }
  const rendered = offline.render(parsed.data);
  if (cmd === "render") {
    await Deno.stdout.write(new TextEncoder().encode(rendered.text));
    return 0;
  }
  try {
    await writeGenerated(rendered.files);
    await Deno.writeTextFile(paths.cfg, rendered.text);
    const result = await checkConfig("haproxy", paths.cfg);
    console.log(result.output.trim() || (result.ok ? "Configuration file is valid" : ""));
    return result.ok ? 0 : 1;
  } finally {
    await Deno.remove(scratch!, { recursive: true });
  }
}

async function versionCommand(args: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      "data-dir": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const text = await loadConfigText(values.config, values["data-dir"]);
  const config = parseConfig(
    text,
    new Registry(plugins).configFragments,
    values.config ?? "config.yaml",
  );
  const build = await haproxyBuild(config.haproxy.binary);
  if (values.json) {
    console.log(JSON.stringify({ patchpanel: VERSION, deno: Deno.version, haproxy: build }));
  } else {
    console.log(formatVersion(build));
  }
  return build.version === null ? 1 : 0;
}

async function backupCommand(cmd: string, args: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: "string" }, "data-dir": { type: "string" } },
  });
  const text = await loadConfigText(values.config, values["data-dir"]);
  const config = parseConfig(
    text,
    new Registry(plugins).configFragments,
    values.config ?? "config.yaml",
  );
  const dataDir = resolve(values["data-dir"] ?? config.dataDir);
  const paths = dataPaths(
    dataDir,
    config.haproxy.mode === "attach" ? { cfg: config.haproxy.cfgPath } : {},
  );
  if (cmd === "backup-post") {
    await backupPost(paths);
    console.log(`patchpanel: backup finished; changes resume (${dataDir})`);
    return 0;
  }
  const copies = await backupPre(paths);
  console.log(
    `patchpanel: changes paused; consistent copies in ${copies.dir}: ` +
      copies.files.map((f) => f.slice(copies.dir.length + 1)).join(", "),
  );
  return 0;
}
