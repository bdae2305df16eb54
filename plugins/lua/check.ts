/**
 * The upload checks of a Lua plugin, cheapest first: size and text (UTF-8,
 * no control bytes, so no precompiled chunk), `luac5.3 -p` for syntax, then
 * `haproxy -c` of a minimal config that loads the script, uses every name
 * the manifest declares (`http-request lua.cors`, `use-service
 * lua.maintenance`, ...) and sets `zero-warning`, so what HAProxy 2.6 only
 * warns about (a name registered twice) is refused too. A patchpanel
 * prelude loaded first records what the script really registers: a
 * registration the manifest does not declare is refused, so the manifest
 * is the whole truth validation relies on.
 *
 * Every refusal carries the tool's own text, with the staging directory
 * stripped so lines read `cors.lua:3: ...`.
 *
 * @module
 */
import { join } from "node:path";
import { checkConfig } from "../../core/haproxy/check.ts";
import { unavailable } from "../../core/errors.ts";
import { envName, type Manifest } from "./manifest.ts";
import { cfgQuote, envValue } from "./render.ts";

/** Largest script accepted, in bytes (documented in the README). */
export const MAX_SCRIPT_BYTES = 256 * 1024;

/** A check's verdict: ok, or what failed and the tool's output. */
export type CheckVerdict = { ok: true } | { ok: false; error: string; output: string };

/** Why `script` is not acceptable text, or null. */
export function textProblem(script: string): string | null {
  if (!script.isWellFormed()) return "the script is not valid UTF-8 text";
  const size = new TextEncoder().encode(script).length;
  if (size === 0) return "the script is empty";
  if (size > MAX_SCRIPT_BYTES) {
    return `the script is ${size} bytes; the limit is ${MAX_SCRIPT_BYTES}`;
  }
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(script)) {
    return "the script holds control bytes: binary and precompiled Lua are refused";
  }
  return null;
}

const PRELUDE = `-- patchpanel upload check: report every registration on stderr
local function wrap(kind, fn)
  local orig = core[fn]
  core[fn] = function(name, ...)
    local shown = type(name) == "table" and table.concat(name, " ") or tostring(name)
    if kind == "task" then shown = "-" end
    io.stderr:write("patchpanel-registers " .. kind .. " " .. shown .. "\\n")
    return orig(name, ...)
  end
end
wrap("action", "register_action")
wrap("service", "register_service")
wrap("fetch", "register_fetches")
wrap("converter", "register_converters")
wrap("cli", "register_cli")
wrap("task", "register_task")
`;

/** The minimal config that loads `script` and uses each declared name. */
export function checkConfigText(manifest: Manifest, prelude: string, script: string): string {
  const load = manifest.perThread ? "lua-load-per-thread" : "lua-load";
  const lines = ["global", "  zero-warning"];
  for (const [key, p] of Object.entries(manifest.params.properties)) {
    if (p.default !== undefined) {
      lines.push(`  setenv ${envName(manifest.name, key)} ${cfgQuote(envValue(p.default))}`);
    }
  }
  lines.push(`  ${load} ${prelude}`, `  ${load} ${script}`);
  lines.push(
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 5s",
    "  timeout server 5s",
    "backend pp-check",
    "  server s 127.0.0.1:9",
  );
  manifest.registers.forEach((r, i) => {
    const tcp = r.scope === "tcp";
    let rule: string;
    switch (r.kind) {
      case "action": {
        const args = Array.from({ length: r.args ?? 0 }, (_, n) => `a${n + 1}`);
        const family = tcp
          ? "tcp-request content"
          : r.scope === "http-response"
          ? "http-response"
          : "http-request";
        rule = [family, `lua.${r.name}`, ...args].join(" ");
        break;
      }
      case "service":
        rule = tcp
          ? `tcp-request content use-service lua.${r.name}`
          : `http-request use-service lua.${r.name}`;
        break;
      case "fetch":
        rule = `http-request set-var(txn.pp_check) lua.${r.name}`;
        break;
      case "converter":
        rule = `http-request set-var(txn.pp_check) str(x),lua.${r.name}`;
        break;
      default:
        return;
    }
    lines.push(
      `frontend pp-check-${i}`,
      `  mode ${tcp ? "tcp" : "http"}`,
      `  bind 127.0.0.1:${20000 + i}`,
      `  ${rule}`,
      "  default_backend pp-check",
    );
  });
  return lines.join("\n") + "\n";
}

/** What the prelude saw registered, as `kind name` strings (tasks as `task -`). */
function registrations(output: string): Set<string> {
  const seen = new Set<string>();
  for (const m of output.matchAll(/^patchpanel-registers (\S+) (.*)$/gm)) {
    seen.add(`${m[1]} ${m[1] === "task" || m[1] === "cli" ? "-" : m[2]}`);
  }
  return seen;
}

/** Runs a command, returning its exit verdict and combined output; a missing binary is a 503. */
async function run(cmd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, stdin: "null" }).output();
  } catch (e) {
    throw unavailable(
      `cannot run ${cmd} (${(e as Error).message}); scripts/setup installs Debian's lua5.3`,
    );
  }
  const dec = new TextDecoder();
  return { ok: out.success, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

/** The binaries the checks run. */
export interface CheckTools {
  luac: string;
  haproxy: string;
  /** Where to stage the script while it is checked (inside the data directory). */
  stagingRoot: string;
}

/** Runs luac and haproxy -c over the script; the staging directory is removed after. */
export async function checkScript(
  manifest: Manifest,
  script: string,
  tools: CheckTools,
): Promise<CheckVerdict> {
  await Deno.mkdir(tools.stagingRoot, { recursive: true, mode: 0o700 });
  const dir = await Deno.makeTempDir({ dir: tools.stagingRoot, prefix: "check-" });
  const clean = (text: string) => text.replaceAll(`${dir}/`, "");
  try {
    const file = join(dir, `${manifest.name}.lua`);
    await Deno.writeTextFile(file, script, { mode: 0o600 });
    const syntax = await run(tools.luac, ["-p", file]);
    if (!syntax.ok) {
      return { ok: false, error: "luac5.3 refused the script", output: clean(syntax.output) };
    }
    const prelude = join(dir, "patchpanel-prelude.lua");
    await Deno.writeTextFile(prelude, PRELUDE, { mode: 0o600 });
    const cfg = join(dir, "check.cfg");
    await Deno.writeTextFile(cfg, checkConfigText(manifest, prelude, file), { mode: 0o600 });
    const res = await checkConfig(tools.haproxy, cfg, 30_000);
    const output = clean(res.output).split("\n").filter((l) =>
      !l.startsWith("patchpanel-registers ")
    ).join("\n");
    if (!res.ok) return { ok: false, error: "haproxy -c refused the script", output };
    const seen = registrations(res.output);
    const declared = new Set(
      manifest.registers.map((r) =>
        `${r.kind} ${r.kind === "task" || r.kind === "cli" ? "-" : r.name}`
      ),
    );
    const undeclared = [...seen].filter((s) => !declared.has(s));
    const missing = [...declared].filter((s) => !seen.has(s));
    if (undeclared.length || missing.length) {
      const parts = [
        undeclared.length
          ? `registers what the manifest does not declare: ${undeclared.join(", ")}`
          : "",
        missing.length ? `does not register what the manifest declares: ${missing.join(", ")}` : "",
      ].filter(Boolean);
      return { ok: false, error: `the script ${parts.join("; ")}`, output };
    }
    return { ok: true };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
