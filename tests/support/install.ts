/**
 * Helpers for the install tests: a throwaway root file system (account files, and for
 * `systemd-analyze verify` Debian's unit directory, haproxy and kill), running
 * scripts/install and scripts/uninstall into it, and reading what they wrote.
 *
 * @module
 */
import { dirname } from "node:path";

/** The checkout's root (where scripts/ and packaging/ are). */
export const REPO: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** A throwaway root file system for `--root`. */
export interface TestRoot {
  /** Its absolute path. */
  dir: string;
  /** `dir` + an absolute path inside the root. */
  at(path: string): string;
  /** The uid of an account in the root's own etc/passwd, or null. */
  uid(name: string): Promise<number | null>;
  /** The gid of a group in the root's own etc/group, or null. */
  gid(name: string): Promise<number | null>;
  /** Removes the root. */
  remove(): Promise<void>;
}

/** Makes a root with etc/passwd, group, shadow and gshadow holding root only (mode 0755). */
export async function makeRoot(): Promise<TestRoot> {
  const dir = await Deno.makeTempDir({ prefix: "pp-root-" });
  await Deno.chmod(dir, 0o755); // other accounts (the daemon's) traverse it, as they do `/`
  await Deno.mkdir(`${dir}/etc`);
  await Deno.writeTextFile(`${dir}/etc/passwd`, "root:x:0:0:root:/root:/bin/bash\n");
  await Deno.writeTextFile(`${dir}/etc/group`, "root:x:0:\n");
  await Deno.writeTextFile(`${dir}/etc/shadow`, "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  await Deno.writeTextFile(`${dir}/etc/gshadow`, "root:*::\n", { mode: 0o640 });
  const field = async (file: string, name: string) => {
    const text = await Deno.readTextFile(`${dir}/etc/${file}`);
    const line = text.split("\n").find((l) => l.split(":")[0] === name);
    return line ? Number(line.split(":")[2]) : null;
  };
  return {
    dir,
    at: (path) => `${dir}${path}`,
    uid: (name) => field("passwd", name),
    gid: (name) => field("group", name),
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

/**
 * Adds what `systemd-analyze verify --root` resolves: the host's unit directory (targets and
 * Debian's haproxy.service, which the drop-in extends) and the binaries the units run.
 */
export async function addSystemdBits(root: TestRoot): Promise<void> {
  const units = "/lib/systemd/system";
  await Deno.mkdir(root.at(units), { recursive: true });
  const cp = await new Deno.Command("cp", { args: ["-a", `${units}/.`, root.at(units)] }).output();
  if (!cp.success) throw new Error(`copying ${units} failed`);
  for (const bin of ["/usr/sbin/haproxy", "/bin/kill"]) {
    await Deno.mkdir(root.at(dirname(bin)), { recursive: true });
    await Deno.copyFile(await Deno.realPath(bin), root.at(bin));
    await Deno.chmod(root.at(bin), 0o755);
  }
}

/** What a script printed and how it exited. */
export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<name> args...` and collects its output. */
export async function runScript(name: string, args: string[]): Promise<ScriptResult> {
  const out = await new Deno.Command(`${REPO}/scripts/${name}`, {
    args,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** One file's identity for idempotency checks: type, mode, owner, size, mtime. */
export type TreeEntry = string;

/** Every path under `dir` with its type, mode, owner, size and modification time. */
export async function snapshotTree(dir: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const walk = async (path: string) => {
    const info = await Deno.lstat(path);
    const kind = info.isSymlink ? "l" : info.isDirectory ? "d" : "f";
    out.set(
      path.slice(dir.length) || "/",
      `${kind} ${(info.mode! & 0o7777).toString(8)} ${info.uid}:${info.gid} ${info.size} ` +
        `${info.mtime?.getTime()}`,
    );
    if (info.isDirectory) {
      for await (const e of Deno.readDir(path)) await walk(`${path}/${e.name}`);
    }
  };
  await walk(dir);
  return out;
}

/**
 * Every value of `key=` in a unit file's text, in order (an empty assignment resets a list
 * setting, so it is kept as ""); lines ending in a backslash continue.
 */
export function unitValues(text: string, key: string): string[] {
  const values: string[] = [];
  let joined = "";
  for (const raw of text.split("\n")) {
    const line = joined + raw;
    if (line.endsWith("\\")) {
      joined = line.slice(0, -1) + " ";
      continue;
    }
    joined = "";
    const m = line.match(/^([A-Za-z]+)=(.*)$/);
    if (m && m[1] === key) values.push(m[2].trim());
  }
  return values;
}

/**
 * The lines of a unit file that are neither blank, a comment, a `[Section]` header nor a
 * `Key=value` assignment inside a section: the syntax check used where `systemd-analyze` is
 * missing, and alongside it where it is present.
 */
export function unitSyntaxErrors(text: string): string[] {
  const bad: string[] = [];
  let section = "";
  for (const line of text.split("\n")) {
    if (/^\s*([#;].*)?$/.test(line)) continue;
    const header = line.match(/^\[([A-Za-z]+)\]$/);
    if (header) section = header[1];
    else if (!section || !/^[A-Z][A-Za-z]*=/.test(line)) bad.push(line);
  }
  return bad;
}
