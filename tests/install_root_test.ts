/**
 * scripts/install and scripts/uninstall in a throwaway root (`--root`): the accounts, files,
 * modes and owners the issue lists; the units checked with `systemd-analyze verify` (and parsed);
 * config.yaml, the drop-in and patchpanel.service agreeing on the master socket, the cfg and the
 * writable paths; the installed command running as an unprivileged account from a tree it cannot
 * write; a second run changing nothing; uninstall removing what install added and keeping data,
 * and `--purge` removing the rest.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import YAML from "yaml";
import {
  addSystemdBits,
  makeRoot,
  REPO,
  runScript,
  snapshotTree,
  type TestRoot,
  unitSyntaxErrors,
  unitValues,
} from "./support/install.ts";
import { parseConfig } from "../core/config.ts";
import { Registry } from "../core/registry.ts";
import { defaultPlugins } from "../plugins/mod.ts";
import { VERSION } from "../core/version.ts";

const UNIT = "/etc/systemd/system/patchpanel.service";
const DROPIN = "/etc/systemd/system/haproxy.service.d/patchpanel.conf";
const LIB = "/usr/local/lib/patchpanel";

async function install(root: TestRoot) {
  const r = await runScript("install", ["--root", root.dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return r;
}

async function mode(root: TestRoot, path: string) {
  const info = await Deno.stat(root.at(path));
  return { mode: (info.mode! & 0o7777).toString(8), uid: info.uid, gid: info.gid };
}

async function exists(path: string) {
  return await Deno.lstat(path).then(() => true, () => false);
}

function parseWithPlugins(text: string) {
  return parseConfig(text, new Registry(defaultPlugins()).configFragments);
}

/** systemd-analyze, or null where it is missing (then only the parse check runs). */
async function systemdAnalyze(): Promise<string | null> {
  for (const p of ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]) {
    if (await exists(p)) return p;
  }
  return null;
}

Deno.test("install - a throwaway root gets the accounts, files, modes, owners and units", async (t) => {
  const root = await makeRoot();
  try {
    const first = await install(root);
    assert.match(first.stdout, /created user patchpanel/);
    assert.match(first.stdout, new RegExp(`patchpanel ${VERSION} installed`));
    const pp = { uid: (await root.uid("patchpanel"))!, gid: (await root.gid("patchpanel"))! };
    assert.ok(pp.uid > 0 && pp.gid > 0, "a patchpanel system user and group in the root");
    assert.ok((await root.uid("haproxy")) !== null, "the haproxy account workers drop to");
    const passwd = await Deno.readTextFile(root.at("/etc/passwd"));
    assert.match(
      passwd,
      /^patchpanel:x:\d+:\d+:[^:]*:\/var\/lib\/patchpanel:\/usr\/sbin\/nologin$/m,
    );
    // The host's own accounts are untouched by --root.
    assert.ok(!(await Deno.readTextFile("/etc/passwd")).includes("patchpanel daemon"));

    await t.step("modes and owners", async () => {
      const expect: [string, string, number, number][] = [
        ["/etc/patchpanel", "750", 0, pp.gid],
        ["/etc/patchpanel/config.yaml", "640", 0, pp.gid],
        ["/var/lib/patchpanel", "750", pp.uid, pp.gid],
        ["/etc/haproxy/patchpanel", "750", pp.uid, pp.gid],
        ["/etc/haproxy/patchpanel/haproxy.cfg", "640", pp.uid, pp.gid],
        ["/usr/local/bin/patchpanel", "755", 0, 0],
        [`${LIB}/deno`, "755", 0, 0],
        [`${LIB}/app/main.ts`, "644", 0, 0],
        [UNIT, "644", 0, 0],
        [DROPIN, "644", 0, 0],
      ];
      for (const [path, m, uid, gid] of expect) {
        assert.deepEqual(await mode(root, path), { mode: m, uid, gid }, path);
      }
      const version = await new Deno.Command(root.at(`${LIB}/deno`), { args: ["--version"] })
        .output();
      const pinned = (await Deno.readTextFile(`${REPO}/scripts/deno-version`)).trim();
      assert.match(new TextDecoder().decode(version.stdout), new RegExp(`^deno ${pinned} `));
      const app: string[] = [];
      for await (const e of Deno.readDir(root.at(`${LIB}/app/core`))) app.push(e.name);
      assert.ok(app.includes("cli.ts") && !app.some((n) => n.endsWith("_test.ts")), "no tests");
    });

    await t.step("the units: parsed, and verified by systemd-analyze where present", async () => {
      const unit = await Deno.readTextFile(root.at(UNIT));
      const dropin = await Deno.readTextFile(root.at(DROPIN));
      assert.deepEqual(unitSyntaxErrors(unit), []);
      assert.deepEqual(unitSyntaxErrors(dropin), []);
      assert.ok(unitValues(unit, "After")[0].split(/\s+/).includes("haproxy.service"));
      assert.deepEqual(unitValues(unit, "User"), ["patchpanel"]);
      assert.deepEqual(unitValues(unit, "ExecStart"), [
        "/usr/local/bin/patchpanel serve --config /etc/patchpanel/config.yaml",
      ]);
      assert.deepEqual(unitValues(unit, "ProtectSystem"), ["strict"]);
      assert.deepEqual(unitValues(unit, "NoNewPrivileges"), ["yes"]);
      assert.deepEqual(unitValues(unit, "CapabilityBoundingSet"), [""], "no capability");
      assert.deepEqual(unitValues(unit, "MemoryDenyWriteExecute"), [], "V8 needs W^X off");
      // The drop-in resets Debian's ExecStart and runs master-worker with a master socket.
      const start = unitValues(dropin, "ExecStart");
      assert.equal(start[0], "", "ExecStart= reset first");
      assert.equal(start.length, 2);
      const argv = start[1].split(/\s+/);
      assert.ok(argv.includes("-Ws") && argv.includes("-p"), start[1]);
      const socketArg = argv[argv.indexOf("-S") + 1].split(",");
      assert.deepEqual(socketArg.slice(1), ["mode", "660", "group", "patchpanel"]);

      // config.yaml, the drop-in and the unit name the same socket, cfg and writable paths.
      const config = parseWithPlugins(
        await Deno.readTextFile(root.at("/etc/patchpanel/config.yaml")),
      );
      const hc = config.haproxy;
      assert.ok(hc.mode === "attach", hc.mode);
      assert.equal(hc.masterSocket, socketArg[0]);
      assert.equal(hc.cfgPath, argv[argv.indexOf("-f") + 1]);
      assert.equal(config.privileges.drop, "always");
      const writable = unitValues(unit, "ReadWritePaths")[0].split(/\s+/);
      assert.deepEqual(writable, [config.dataDir, dirname(hc.cfgPath)]);
      assert.ok(unitValues(dropin, "ExecReload").some((l) => l.includes(hc.cfgPath)));

      const analyze = await systemdAnalyze();
      if (!analyze) {
        console.log("systemd-analyze is not installed: the units were checked by parsing only");
        return;
      }
      await addSystemdBits(root);
      for (const target of [root.at(UNIT), "haproxy.service"]) {
        const out: Deno.CommandOutput = await new Deno.Command(analyze, {
          args: ["verify", `--root=${root.dir}`, target],
          env: { SYSTEMD_LOG_COLOR: "0" },
        }).output();
        const text: string = new TextDecoder().decode(out.stderr) +
          new TextDecoder().decode(out.stdout);
        assert.equal(out.code, 0, `${target}: ${text}`);
        assert.equal(text.trim(), "", `${target}: systemd-analyze verify says: ${text}`);
      }
    });

    await t.step("config.yaml: valid, and every commented-out key is its default", async () => {
      const text = await Deno.readTextFile(root.at("/etc/patchpanel/config.yaml"));
      const uncommented = text.replace(/^(\s*)# ([A-Za-z]+:.*)$/gm, "$1$2").replace(
        /^#( {2,}[A-Za-z]+:.*)$/gm,
        "$1",
      );
      assert.notEqual(uncommented, text);
      const keys = Object.keys(YAML.parse(uncommented));
      for (const k of ["auth", "limits", "rateLimit", "stats", "tls", "https", "plugins"]) {
        assert.ok(keys.includes(k), `${k} is documented (commented out) in config.yaml`);
      }
      assert.deepEqual(parseWithPlugins(uncommented), parseWithPlugins(text));
    });

    await t.step("the command runs as an unprivileged account from a read-only tree", async () => {
      const out = await new Deno.Command("setpriv", {
        args: [
          "--reuid=nobody",
          "--regid=nogroup",
          "--clear-groups",
          root.at("/usr/local/bin/patchpanel"),
          "version",
        ],
        cwd: "/",
        env: { HOME: "/nonexistent" },
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.match(text, new RegExp(`^patchpanel ${VERSION.replaceAll(".", "\\.")}$`, "m"));
      assert.match(text, /^haproxy 2\.6\./m);
    });

    await t.step("a second run changes nothing", async () => {
      const before = await snapshotTree(root.dir);
      const again = await install(root);
      assert.match(again.stdout, /^install: nothing to change/m, again.stdout);
      assert.equal(again.stdout.trim().split("\n").length, 1, again.stdout);
      assert.deepEqual(await snapshotTree(root.dir), before);
    });

    await t.step("a changed or stray file is put right by the next run", async () => {
      await Deno.writeTextFile(root.at(DROPIN), "[Service]\nExecStart=/bin/false\n");
      await Deno.chmod(root.at("/var/lib/patchpanel"), 0o777);
      await Deno.writeTextFile(root.at(`${LIB}/app/core/stray.ts`), "export {};\n");
      const fix = await install(root);
      assert.match(fix.stdout, /wrote \/etc\/systemd\/system\/haproxy.service.d\/patchpanel.conf/);
      assert.match(fix.stdout, /set 750 patchpanel:patchpanel on \/var\/lib\/patchpanel/);
      assert.match(fix.stdout, /removed \/usr\/local\/lib\/patchpanel\/app\/core\/stray.ts/);
      assert.equal(
        await Deno.readTextFile(root.at(DROPIN)),
        await Deno.readTextFile(`${REPO}/packaging/haproxy-patchpanel.conf`),
      );
    });

    await t.step("uninstall removes what install added and keeps data and config", async () => {
      await Deno.writeTextFile(root.at("/var/lib/patchpanel/state.json"), '{"version":1}\n');
      const edited = (await Deno.readTextFile(root.at("/etc/patchpanel/config.yaml"))) +
        "allowedHosts: [lb.example.test]\n";
      await Deno.writeTextFile(root.at("/etc/patchpanel/config.yaml"), edited);
      const un = await runScript("uninstall", ["--root", root.dir]);
      assert.equal(un.code, 0, un.stdout + un.stderr);
      for (const gone of [UNIT, DROPIN, "/usr/local/bin/patchpanel", LIB]) {
        assert.ok(!(await exists(root.at(gone))), `${gone} removed`);
      }
      assert.ok(!(await exists(root.at("/etc/systemd/system/haproxy.service.d"))));
      assert.equal(
        await Deno.readTextFile(root.at("/var/lib/patchpanel/state.json")),
        '{"version":1}\n',
      );
      assert.ok(await exists(root.at("/etc/haproxy/patchpanel/haproxy.cfg")));
      assert.ok((await root.uid("patchpanel")) !== null, "the account owning the data stays");

      // Reinstalling keeps the operator's config.yaml as edited.
      await install(root);
      assert.equal(await Deno.readTextFile(root.at("/etc/patchpanel/config.yaml")), edited);
    });

    await t.step("uninstall --purge removes the data, config and account too", async () => {
      const un = await runScript("uninstall", ["--root", root.dir, "--purge"]);
      assert.equal(un.code, 0, un.stdout + un.stderr);
      for (
        const gone of ["/var/lib/patchpanel", "/etc/patchpanel", "/etc/haproxy/patchpanel", LIB]
      ) {
        assert.ok(!(await exists(root.at(gone))), `${gone} removed`);
      }
      assert.equal(await root.uid("patchpanel"), null);
      assert.equal(await root.gid("patchpanel"), null);
      assert.ok((await root.uid("haproxy")) !== null, "Debian's haproxy account stays");
    });
  } finally {
    await root.remove();
  }
});

Deno.test("install - refuses a root without account files and unknown arguments", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-root-empty-" });
  try {
    const r = await runScript("install", ["--root", dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /etc\/passwd is missing/);
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing was written");
    const bad = await runScript("install", ["--frobnicate"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown argument: --frobnicate/);
    const help = await runScript("uninstall", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--purge/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
