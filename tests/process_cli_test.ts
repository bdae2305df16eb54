/**
 * Small defects of the command line and the test support: every subcommand
 * answers `--help` with its usage and exit 0 (`backup-pre --help` used to
 * die with an uncaught TypeError), an unknown option is a usage error (exit
 * 2), and a test process leaves no `pp-test-*` directory nor HAProxy behind.
 *
 * @module
 */
import assert from "node:assert/strict";
import { COMMANDS, runCli } from "../core/cli.ts";
import { defaultPlugins } from "../plugins/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const dec = new TextDecoder();

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs the CLI in-process, capturing what it prints. */
async function runIn(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await runCli(args, defaultPlugins());
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

Deno.test("cli - every subcommand answers --help with its usage and exit 0", async () => {
  assert.ok(COMMANDS.includes("backup-pre") && COMMANDS.includes("stop"), String(COMMANDS));
  for (const command of COMMANDS) {
    for (const flag of ["--help", "-h"]) {
      const r = await runIn([command, flag]);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: patchpanel\\n\\s+${command}\\b`), command);
    }
  }
  const overview = await runIn(["--help"]);
  assert.equal(overview.code, 0);
  for (const command of COMMANDS) assert.match(overview.stdout, new RegExp(`\\n\\s+${command}\\b`));
  // The binary itself, for the command that used to die with an uncaught TypeError.
  const real = await run(["run", "-A", "--no-check", "main.ts", "backup-pre", "--help"]);
  assert.equal(real.code, 0, real.stderr);
  assert.match(real.stdout, /^usage: patchpanel\n\s+backup-pre/);
  assert.doesNotMatch(real.stderr, /TypeError|Uncaught/);
});

Deno.test("cli - an unknown option is a usage error, not a crash", async () => {
  const r = await runIn(["backup-pre", "--bogus"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Unknown option '--bogus'/);
  assert.match(r.stderr, /usage: patchpanel\n\s+backup-pre/);
});

Deno.test("test support - a test process leaves no pp-test-* directory and no HAProxy", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "pp-cleanup-" });
  try {
    const r = await run(["test", "-A", "--no-check", "tests/support/fixtures/one_daemon.ts"], {
      TMPDIR: tmp,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const cfg = /CFG=(\S+)/.exec(r.stdout)?.[1];
    assert.ok(cfg, r.stdout);
    assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), [], "nothing left in TMPDIR");
    const left: string[] = [];
    for (const e of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      const argv = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
      if (argv.includes(cfg)) left.push(e.name);
    }
    assert.deepEqual(left, [], "no process runs the fixture's cfg");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
