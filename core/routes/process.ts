/**
 * HAProxy process control for admins: stop and start the embedded master
 * (attach mode: refused with 409, the systemd unit owns the process), and
 * what the process is and can do — `GET /api/haproxy/control-strategy`
 * (mode, master socket, pid, version, uptime, reload count) and
 * `GET /api/haproxy/ssl-capabilities` (OpenSSL versions and TLS protocol
 * versions from `haproxy -vv`, the ciphers and curves of the host's OpenSSL,
 * and the running worker's TLS counters from `show info`). Stop and start
 * run under the apply lock, so neither cuts through an apply, and are
 * audited (category `haproxy`).
 *
 * @module
 */
import { conflict, HttpError } from "../errors.ts";
import type { PluginHost, RequestContext } from "../plugin.ts";
import type { CoreDeps } from "./deps.ts";
import { HaproxyStartError } from "../haproxy/process.ts";
import {
  parseBuildInfo,
  parseCiphers,
  parseCurves,
  parseMasterRow,
} from "../haproxy/capabilities.ts";

/** Runs a command and returns its stdout, or null when it cannot run or fails. */
async function output(binary: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(binary, { args, stdout: "piped", stderr: "piped" })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}

/** TLS groups HAProxy's `curves` keyword takes, by the EC curve name OpenSSL lists. */
const TLS_CURVES: Record<string, string> = {
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};

/** Registers stop, start, control-strategy and ssl-capabilities. */
export function processRoutes(host: PluginHost, deps: CoreDeps): void {
  const { control } = deps;

  /** 409 in attach mode: the process is systemd's, patchpanel only reloads it. */
  const embeddedOnly = (what: string) => {
    if (control.embedded) return control.embedded;
    throw conflict(
      `HAProxy runs in attach mode under systemd: ${what} it with 'systemctl ${what} ${control.systemdUnit}'`,
      { mode: "attach", unit: control.systemdUnit },
    );
  };

  const audited = async <T>(ctx: RequestContext, action: string, fn: () => Promise<T>) => {
    try {
      const result = await fn();
      host.audit.record({
        actor: ctx.actor,
        category: "haproxy",
        action,
        target: null,
        details: result as Record<string, unknown>,
        outcome: "success",
      });
      return result;
    } catch (error) {
      host.audit.record({
        actor: ctx.actor,
        category: "haproxy",
        action,
        target: null,
        details: { error: (error as Error).message },
        outcome: "failure",
      });
      throw error;
    }
  };

  host.route("POST", "/api/haproxy/stop", {
    role: "admin",
    tier: "write",
    summary: "Stop the embedded HAProxy (master and workers); 409 in attach mode",
  }, (ctx) =>
    audited(ctx, "stop", () => {
      const embedded = embeddedOnly("stop");
      return deps.pipeline.exclusive(async () => {
        const pid = embedded.pid;
        if (pid === null) throw conflict("HAProxy is not running");
        await embedded.stop();
        return { ok: true, stoppedPid: pid };
      });
    }));

  host.route("POST", "/api/haproxy/start", {
    role: "admin",
    tier: "write",
    summary: "Start the embedded HAProxy on the live haproxy.cfg; 409 in attach mode",
  }, (ctx) =>
    audited(ctx, "start", () => {
      const embedded = embeddedOnly("start");
      return deps.pipeline.exclusive(async () => {
        if (embedded.pid !== null) {
          throw conflict(`HAProxy is already running (master ${embedded.pid})`);
        }
        try {
          const info = await embedded.start();
          return { ok: true, pid: info.pid, attached: info.attached };
        } catch (error) {
          if (!(error instanceof HaproxyStartError)) throw error;
          throw new HttpError("ReloadFailed", "HAProxy did not start", {
            error: `HAProxy did not start: ${error.message}`,
            output: error.output,
            hints: [],
          });
        }
      });
    }));

  host.route("GET", "/api/haproxy/control-strategy", {
    role: "admin",
    tier: "read",
    summary: "How patchpanel controls HAProxy: mode, master socket, pid, version, uptime, reloads",
  }, async () => {
    const proc = await host.haproxy.master("show proc", 2000);
    const row = proc.ok ? parseMasterRow(proc.output) : null;
    const build = parseBuildInfo((await output(host.haproxy.binary, ["-vv"])) ?? "");
    return {
      mode: control.embedded ? "embedded" : "attach",
      masterSocket: control.masterSocket,
      systemdUnit: control.embedded ? null : control.systemdUnit,
      cfgPath: host.haproxy.cfgPath,
      binary: host.haproxy.binary,
      running: row !== null,
      pid: row?.pid ?? null,
      version: row?.version ?? build.version,
      uptime: row?.uptime ?? null,
      uptimeSeconds: row?.uptimeSeconds ?? null,
      reloads: row?.reloads ?? null,
      workers: row ? ((await host.haproxy.showProc())?.workers.map((w) => w.pid) ?? []) : [],
    };
  });

  host.route("GET", "/api/haproxy/ssl-capabilities", {
    role: "admin",
    tier: "read",
    summary: "OpenSSL and TLS versions, ciphers and curves HAProxy can use, and its TLS counters",
  }, async () => {
    const build = parseBuildInfo((await output(host.haproxy.binary, ["-vv"])) ?? "");
    const ciphers = parseCiphers((await output("openssl", ["ciphers", "-v", "ALL"])) ?? "");
    const ecCurves = new Set(
      parseCurves((await output("openssl", ["ecparam", "-list_curves"])) ?? ""),
    );
    // X25519 and X448 are TLS groups of every OpenSSL since 1.1.0, not EC curves it lists.
    const modern = /OpenSSL [1-9]\.[1-9]|OpenSSL [3-9]\./.test(build.opensslRunning ?? "");
    const curves = [
      ...(modern ? ["X25519", "X448"] : []),
      ...Object.entries(TLS_CURVES).filter(([ec]) => ecCurves.has(ec)).map(([, tls]) => tls),
    ];
    const info = await host.haproxy.admin("show info", 2000);
    const runtime: Record<string, string> = {};
    if (info.ok) {
      for (const line of info.output.split("\n")) {
        const m = /^(Ssl\w*|OpenSSL\w*): (.*)$/.exec(line.trim());
        if (m) runtime[m[1]] = m[2];
      }
    }
    return {
      version: build.version,
      openssl: { built: build.opensslBuilt, running: build.opensslRunning },
      tlsVersions: build.tlsVersions,
      tlsExtensions: build.tlsExtensions,
      sni: build.sni,
      ciphers: {
        tls13: ciphers.filter((c) => c.protocol === "TLSv1.3").map((c) => c.name),
        tls12: ciphers.filter((c) => c.protocol !== "TLSv1.3").map((c) => c.name),
        source: "openssl ciphers -v ALL (the host's OpenSSL, which HAProxy is linked against)",
      },
      curves,
      runtime: info.ok ? runtime : null,
    };
  });
}
