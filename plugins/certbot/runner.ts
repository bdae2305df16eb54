/**
 * Runs certbot as a subprocess: its config, work and logs directories under
 * the data directory, `--non-interactive --agree-tos`, output captured.
 * Builds the arguments of the three runs patchpanel makes (issue, renew,
 * dry run) from a provider and a certificate.
 *
 * @module
 */
import { join } from "node:path";
import type { TlsCertEntry } from "../../core/providers.ts";
import { type CertbotConfigModel, directoryUrl, type LetsEncryptProviderModel } from "./schema.ts";
import { type CertbotDirs, lineageDir } from "./files.ts";
import { type CertbotError, classify, tail } from "./errors.ts";
import { credentialsFile } from "./credentials.ts";

/** How a run ended. */
export type RunResult =
  | { ok: true; output: string }
  | { ok: false; error: CertbotError };

/** Where the binary is, or null when it is not installed. */
export function findCertbot(binary: string): string | null {
  if (binary.includes("/")) return isExecutable(binary) ? binary : null;
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    const path = join(dir || ".", binary);
    if (isExecutable(path)) return path;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Runs certbot and captures its output. */
export class CertbotRunner {
  constructor(
    private config: CertbotConfigModel,
    private dirs: CertbotDirs,
  ) {}

  /** The configured binary, as config.yaml names it. */
  get binaryName(): string {
    return this.config.binary;
  }

  /** The binary's path, or null when certbot is not installed. */
  binary(): string | null {
    return findCertbot(this.config.binary);
  }

  /** The options every run gets. */
  common(): string[] {
    return [
      "--config-dir",
      this.dirs.config,
      "--work-dir",
      this.dirs.work,
      "--logs-dir",
      this.dirs.logs,
      "--non-interactive",
      "--agree-tos",
    ];
  }

  /** `certonly` for a certificate (issue, re-issue for new names, or a dry run). */
  certonlyArgs(
    provider: LetsEncryptProviderModel,
    cert: TlsCertEntry,
    opts: { force?: boolean; dryRun?: boolean } = {},
  ): string[] {
    const args = [
      "certonly",
      ...this.common(),
      "--cert-name",
      cert.id,
      "--server",
      directoryUrl(provider),
      "--email",
      provider.email,
      "--key-type",
      provider.keyType,
      ...(provider.rsaKeySize ? ["--rsa-key-size", String(provider.rsaKeySize)] : []),
      ...cert.domains.flatMap((d) => ["-d", d]),
      ...this.challengeArgs(provider),
    ];
    if (opts.force) args.push("--force-renewal");
    if (opts.dryRun) args.push("--dry-run");
    return args;
  }

  /** certbot's own due-check for one lineage; `force` renews regardless. */
  renewArgs(cert: TlsCertEntry, force: boolean): string[] {
    return [
      "renew",
      ...this.common(),
      "--cert-name",
      cert.id,
      "--no-random-sleep-on-renew",
      ...(force ? ["--force-renewal"] : []),
    ];
  }

  /** How the names are proven: the standalone listener, or a DNS plugin with its credentials. */
  challengeArgs(provider: LetsEncryptProviderModel): string[] {
    const c = provider.challenge;
    if (c.type === "http-01") {
      return [
        "--preferred-challenges",
        "http",
        "--standalone",
        "--http-01-address",
        "127.0.0.1",
        "--http-01-port",
        String(this.config.challengePort),
      ];
    }
    const args = [
      "--preferred-challenges",
      "dns",
      "--authenticator",
      `dns-${c.plugin}`,
      `--dns-${c.plugin}-credentials`,
      credentialsFile(this.dirs, provider.id),
    ];
    if (c.propagationSeconds !== undefined) {
      args.push(`--dns-${c.plugin}-propagation-seconds`, String(c.propagationSeconds));
    }
    return args;
  }

  /** Runs certbot with `args`; a missing binary is a `certbot-missing` error. */
  async run(args: string[]): Promise<RunResult> {
    const binary = this.binary();
    if (!binary) return { ok: false, error: missing(this.config.binary) };
    for (const dir of [this.dirs.config, this.dirs.work, this.dirs.logs]) {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    }
    const env: Record<string, string> = {};
    if (this.config.caBundle) env.REQUESTS_CA_BUNDLE = this.config.caBundle;
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command(binary, {
        args,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(15 * 60_000),
      }).output();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { ok: false, error: missing(binary) };
      throw error;
    }
    const dec = new TextDecoder();
    const output = dec.decode(out.stdout) + dec.decode(out.stderr);
    return out.success
      ? { ok: true, output: tail(output) }
      : { ok: false, error: classify(output) };
  }

  /** The issued leaf's PEM, to tell whether a run replaced it. */
  async leaf(certId: string): Promise<string | null> {
    try {
      return await Deno.readTextFile(join(lineageDir(this.dirs, certId), "cert.pem"));
    } catch {
      return null;
    }
  }
}

/** The error of a daemon without certbot. */
export function missing(binary: string): CertbotError {
  return {
    kind: "certbot-missing",
    message: `certbot is not installed: '${binary}' was not found (apt-get install certbot)`,
    output: "",
  };
}
