/**
 * The `patchpanel` command line: `serve`, `stop`, `render`, `check`, `user-add`, `user-reset`,
 * `backup-pre`, `backup-post`, `version`. Every command answers `--help` with its usage.
 * It takes the plugin list from its caller (`main.ts` passes the default
 * set; a custom build passes its own), so nothing here imports a plugin.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "./config.ts";
import { StartupError } from "./errors.ts";
import type { Plugin } from "./plugin.ts";
import { offlineRenderer } from "./offline.ts";
import { resolveCli } from "./cli_resolve.ts";
import { PluginError } from "./plugin_error.ts";
import type { Rendered } from "./render/render.ts";
import type { State } from "./state/schema.ts";
import { dataPaths } from "./paths.ts";
import { checkConfig } from "./haproxy/check.ts";
import { writeGenerated } from "./apply/files.ts";
import { type DaemonPart, startDaemon } from "./daemon.ts";
import { formatVersion, haproxyBuild, VERSION } from "./version.ts";
import { backupPost, backupPre, withApplyLock } from "./backup.ts";
import { stopAll } from "./stop.ts";
import { USER_USAGE, userCommand } from "./auth/cli.ts";

/** Each command's usage lines, for `patchpanel <command> --help` and the overview. */
const COMMAND_USAGE: Record<string, string> = {
  serve: `  serve    [--config FILE] [--data-dir DIR] [--listen HOST:PORT] [--seed | --empty]
           run the daemon; on SIGTERM/SIGINT it exits and the embedded HAProxy keeps serving`,
  stop: `  stop     [--config FILE] [--data-dir DIR] [--keep-haproxy]
           stop the daemon of DIR and its embedded HAProxy (--keep-haproxy: only the daemon)`,
  render: `  render   --state FILE [--config FILE] [--data-dir DIR]
           print the haproxy.cfg a state renders to (plugins and settings of config.yaml)`,
  check: `  check    --state FILE [--config FILE] [--data-dir DIR]
           validate FILE as the daemon of that config and data dir would, then haproxy -c`,
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

/**
 * Runs one CLI invocation; returns the exit code. `parts` are what `serve`
 * adds around the core (the composition root passes the console).
 */
export async function runCli(
  args: string[],
  plugins: Plugin[],
  parts: DaemonPart[] = [],
): Promise<number> {
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
        return await serve(rest, plugins, parts);
      case "stop":
        return await stopCommand(rest, plugins);
      case "render":
      case "check":
        return await renderOrCheck(command, rest, plugins);
      case "user-add":
      case "user-reset":
        return await userCommand(
          command,
          rest,
          async (file, dataDir) => (await resolveCli(plugins, { config: file, dataDir })).config,
        );
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
    if (e instanceof PluginError) {
      console.error(`patchpanel ${command}: ${e.message}`);
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

async function serve(args: string[], plugins: Plugin[], parts: DaemonPart[]): Promise<number> {
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
  const resolved = await resolveCli(plugins, {
    config: values.config,
    dataDir: values["data-dir"],
  });
  const config: Record<string, unknown> = { ...resolved.config };
  if (values["data-dir"]) config.dataDir = values["data-dir"];
  if (values.listen) config.listen = values.listen;
  const daemon = await startDaemon({
    config,
    plugins: resolved.plugins,
    parts,
    seed: values.seed && !values.empty,
  });
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
  const { config, dataDir } = await resolveCli(plugins, {
    config: values.config,
    dataDir: values["data-dir"],
  });
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

/** The data directory layout a config implies (attach mode keeps its cfg where systemd has it). */
function pathsOf(config: Config, dataDir: string) {
  return dataPaths(
    dataDir,
    config.haproxy.mode === "attach" ? { cfg: config.haproxy.cfgPath } : {},
  );
}

async function renderOrCheck(cmd: string, args: string[], plugins: Plugin[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      state: { type: "string" },
      config: { type: "string" },
      "data-dir": { type: "string" },
    },
  });
  if (!values.state) {
    console.error(USAGE);
    return 2;
  }
  const resolved = await resolveCli(plugins, {
    config: values.config,
    dataDir: values["data-dir"],
  });
  const { config, dataDir } = resolved;
  // Validated and rendered as the daemon of this config and data directory would.
  const paths = pathsOf(config, dataDir);
  const binary = config.haproxy.binary;
  const offline = await offlineRenderer(resolved.plugins, paths, binary, resolved.text);
  const parsed = offline.schema.safeParse(JSON.parse(await Deno.readTextFile(values.state)));
  let rendered: Rendered;
  try {
    if (!parsed.success) {
      console.error(
        JSON.stringify({ error: "ValidationError", issues: parsed.error.issues }, null, 2),
      );
      return 1;
    }
    rendered = offline.render(parsed.data);
  } finally {
    offline.close();
  }
  if (cmd === "render") {
    await Deno.stdout.write(new TextEncoder().encode(rendered.text));
    return 0;
  }
  const result = await isDirectory(dataDir)
    ? await withApplyLock(paths, () => checkRendered(rendered, binary))
    : await checkInScratch(resolved.plugins, parsed.data, binary, resolved.text);
  console.log(result.output.trim() || (result.ok ? "Configuration file is valid" : ""));
  return result.ok ? 0 : 1;
}

async function isDirectory(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isDirectory, () => false);
}

/**
 * `haproxy -c` on a render: its generated files (crt-lists, ...) written
 * where the cfg names them, as a plan does, and put back afterwards; the cfg
 * itself in a scratch file. Callers hold the apply lock of the data
 * directory, so a running daemon neither races the check nor keeps its files.
 */
async function checkRendered(
  rendered: Rendered,
  binary: string,
): Promise<{ ok: boolean; output: string }> {
  const scratch = await Deno.makeTempDir({ prefix: "patchpanel-check-" });
  const undo = await writeGenerated(rendered.files);
  try {
    await Deno.writeTextFile(`${scratch}/haproxy.cfg`, rendered.text);
    return await checkConfig(binary, `${scratch}/haproxy.cfg`);
  } finally {
    await undo.restore();
    await Deno.remove(scratch, { recursive: true });
  }
}

/** Without a data directory (a state checked on a build host): render into a scratch one. */
async function checkInScratch(
  plugins: Plugin[],
  state: State,
  binary: string,
  configText: string,
): Promise<{ ok: boolean; output: string }> {
  const scratch = await Deno.makeTempDir({ prefix: "patchpanel-check-" });
  try {
    const offline = await offlineRenderer(plugins, dataPaths(scratch), binary, configText);
    let rendered: Rendered;
    try {
      rendered = offline.render(state);
    } finally {
      offline.close();
    }
    return await checkRendered(rendered, binary);
  } finally {
    await Deno.remove(scratch, { recursive: true });
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
  const { config } = await resolveCli(plugins, {
    config: values.config,
    dataDir: values["data-dir"],
  });
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
  const { config, dataDir } = await resolveCli(plugins, {
    config: values.config,
    dataDir: values["data-dir"],
  });
  const paths = pathsOf(config, dataDir);
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
