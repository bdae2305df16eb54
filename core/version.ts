/**
 * patchpanel's version, and what `patchpanel version` reports about the host: the Deno that runs
 * it and the HAProxy binary it would use, with the build options the features depend on (Lua for
 * the lua plugin, the Prometheus exporter for `/metrics` recipes, OpenSSL for TLS). An operator
 * filing a bug or checking an install reads one block instead of running three commands.
 *
 * @module
 */

/** patchpanel's version, reported by `patchpanel version` and `/health`. */
export const VERSION = "0.1.0";

/** What `haproxy -vv` says about the binary, or why it could not be asked. */
export interface HaproxyBuild {
  /** The binary as configured (`haproxy.binary`), before PATH lookup. */
  binary: string;
  /** The absolute path it resolves to on PATH, or null when it is not found. */
  path: string | null;
  /** The version (`2.6.12-1+deb12u4`), or null when the binary could not be run. */
  version: string | null;
  /** Built with Lua (`USE_LUA=1` / `Built with Lua version`). */
  lua: boolean;
  /** Built with the Prometheus exporter service (`USE_PROMEX=1`). */
  prometheus: boolean;
  /** The OpenSSL version it was built with, or null without OpenSSL. */
  openssl: string | null;
  /** Why the binary could not be run, when it could not. */
  error?: string;
}

/** Parses the output of `haproxy -vv` into the build facts patchpanel cares about. */
export function parseHaproxyVv(text: string): Omit<HaproxyBuild, "binary" | "path"> {
  const version = text.match(/^HA-?Proxy version (\S+)/m)?.[1] ?? null;
  const options = text.match(/^\s*OPTIONS\s*=\s*(.*)$/m)?.[1] ?? "";
  const features = text.match(/^Feature list\s*:\s*(.*)$/m)?.[1] ?? "";
  const has = (use: string, feature: string) =>
    new RegExp(`\\b${use}=1\\b`).test(options) || features.split(/\s+/).includes(`+${feature}`);
  const openssl = text.match(/^Built with OpenSSL version\s*:\s*(.+)$/m)?.[1]?.trim() ?? null;
  return {
    version,
    lua: has("USE_LUA", "LUA") || /^Built with Lua version/m.test(text),
    prometheus: has("USE_PROMEX", "PROMEX") ||
      /^Available services\s*:.*\bprometheus-exporter\b/m.test(text),
    openssl,
  };
}

/** The absolute path `binary` resolves to: itself when it names a path, else the first on PATH. */
export async function resolveBinary(
  binary: string,
  pathEnv = Deno.env.get("PATH") ?? "",
): Promise<string | null> {
  const candidates = binary.includes("/")
    ? [binary]
    : pathEnv.split(":").filter(Boolean).map((dir) => `${dir}/${binary}`);
  for (const file of candidates) {
    try {
      const info = await Deno.stat(file);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return await Deno.realPath(file);
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

/** Asks `binary -vv` for its version and build options; never throws. */
export async function haproxyBuild(binary: string): Promise<HaproxyBuild> {
  const path = await resolveBinary(binary);
  const none = { version: null, lua: false, prometheus: false, openssl: null };
  if (!path) {
    return {
      binary,
      path,
      ...none,
      error: `${binary}: ${binary.includes("/") ? "no such executable" : "not found on PATH"}`,
    };
  }
  try {
    const out = await new Deno.Command(path, { args: ["-vv"], stdin: "null" }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    const parsed = parseHaproxyVv(text);
    if (!out.success || !parsed.version) {
      return { binary, path, ...parsed, error: `${path} -vv exited ${out.code}` };
    }
    return { binary, path, ...parsed };
  } catch (e) {
    return { binary, path, ...none, error: `cannot run ${path}: ${(e as Error).message}` };
  }
}

/** The lines `patchpanel version` prints. */
export function formatVersion(build: HaproxyBuild): string {
  const yes = (b: boolean) => (b ? "yes" : "no");
  const lines = [
    `patchpanel ${VERSION}`,
    `deno ${Deno.version.deno} (v8 ${Deno.version.v8}, typescript ${Deno.version.typescript})`,
  ];
  if (build.version === null) {
    lines.push(`haproxy: ${build.error ?? "unknown"}`);
  } else {
    lines.push(
      `haproxy ${build.version} (${build.path})`,
      `  lua: ${yes(build.lua)}, prometheus exporter: ${yes(build.prometheus)}, ` +
        `openssl: ${build.openssl ?? "no"}`,
    );
  }
  return lines.join("\n");
}
