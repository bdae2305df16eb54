/**
 * `config.yaml`: daemon settings (where to listen, where data lives, how to
 * reach HAProxy, retention, rate limits) plus each plugin's own section.
 * Strictly validated: an unknown or mistyped key stops start-up with an
 * error that names the key.
 *
 * @module
 */
import { z } from "zod";
import YAML from "yaml";
import { StartupError } from "./errors.ts";

const HostPortString = z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/);

/** The default of `haproxy.checkTimeoutMs`: a `haproxy -c` still running after 30 s is stopped. */
export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
/** The default of `haproxy.reloadTimeoutMs`: how long a reload may take to be confirmed. */
export const DEFAULT_RELOAD_TIMEOUT_MS = 15_000;
/** The default of `apply.lockWaitMs`: how long a change may wait for the one in flight. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/**
 * Time bounds on HAProxy, in both modes: `haproxy -c` is stopped after
 * `checkTimeoutMs` (the apply fails, nothing changes); a reload not confirmed
 * within `reloadTimeoutMs` is rolled back, and (embedded mode) a master that
 * does not answer for that long is killed and restarted.
 */
function haproxyBounds() {
  return {
    checkTimeoutMs: z.number().int().positive().default(DEFAULT_CHECK_TIMEOUT_MS),
    reloadTimeoutMs: z.number().int().positive().default(DEFAULT_RELOAD_TIMEOUT_MS),
  };
}

/** How patchpanel reaches HAProxy. */
export const HaproxyConfig = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("embedded"),
    binary: z.string().default("haproxy"),
    ...haproxyBounds(),
  }).strict(),
  z.object({
    mode: z.literal("attach"),
    binary: z.string().default("haproxy"),
    masterSocket: z.string().min(1),
    cfgPath: z.string().min(1),
    /** The systemd unit that runs HAProxy, named when stop/start are refused in this mode. */
    systemdUnit: z.string().regex(/^[A-Za-z0-9@._:-]+$/).default("haproxy.service"),
    ...haproxyBounds(),
  }).strict(),
]);

/** The core's keys of config.yaml, with their defaults. */
export const coreConfigShape = {
  listen: HostPortString.default("127.0.0.1:8099"),
  dataDir: z.string().default("./.patchpanel"),
  /**
   * Host names the daemon answers to (DNS-rebinding protection). Empty: a loopback listener
   * accepts only loopback names; any other listener accepts every name.
   */
  allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.:-]+$/)).default([]),
  https: z.object({
    enabled: z.boolean().default(true),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
  }).strict().default({ enabled: true }),
  haproxy: HaproxyConfig.default({
    mode: "embedded",
    binary: "haproxy",
    checkTimeoutMs: DEFAULT_CHECK_TIMEOUT_MS,
    reloadTimeoutMs: DEFAULT_RELOAD_TIMEOUT_MS,
  }),
  /**
   * The apply lock: a change that waits longer than `lockWaitMs` for the one in flight is
   * answered 503 with Retry-After and never applied. `proveChecks: false` runs `haproxy -c`
   * on every runtime candidate, even when the change (weights, drains) provably passes it
   * (core/apply/check_proof.ts).
   */
  apply: z.object({
    lockWaitMs: z.number().int().positive().default(DEFAULT_LOCK_WAIT_MS),
    proveChecks: z.boolean().default(true),
  }).strict().default({ lockWaitMs: DEFAULT_LOCK_WAIT_MS, proveChecks: true }),
  logging: z.object({
    auditRetentionDays: z.number().int().min(1).default(365),
    quiet: z.boolean().default(false),
  }).strict().default({ auditRetentionDays: 365, quiet: false }),
  rateLimit: z.object({
    authMax: z.number().int().positive().default(25),
    authWindowMs: z.number().int().positive().default(15 * 60_000),
    writeMax: z.number().int().positive().default(60),
    writeWindowMs: z.number().int().positive().default(60_000),
    readMax: z.number().int().positive().default(1000),
    readWindowMs: z.number().int().positive().default(60_000),
  }).strict().default({
    authMax: 25,
    authWindowMs: 15 * 60_000,
    writeMax: 60,
    writeWindowMs: 60_000,
    readMax: 1000,
    readWindowMs: 60_000,
  }),
  auth: z.object({
    /** bcrypt cost for passwords and token secrets; below 10 is for tests only (warned). */
    bcryptCost: z.number().int().min(4).max(15).default(12),
    /** A session unused this long ends. */
    sessionIdleMs: z.number().int().positive().default(30 * 60_000),
    /** A session ends this long after login, however busy. */
    sessionAbsoluteMs: z.number().int().positive().default(12 * 3_600_000),
    /** Failed logins per account per window before the account's logins are refused. */
    loginFailureMax: z.number().int().positive().default(10),
    loginFailureWindowMs: z.number().int().positive().default(3_600_000),
  }).strict().default({
    bcryptCost: 12,
    sessionIdleMs: 30 * 60_000,
    sessionAbsoluteMs: 12 * 3_600_000,
    loginFailureMax: 10,
    loginFailureWindowMs: 3_600_000,
  }),
  /**
   * Ceilings of a state document (422 above them, before validation) and the share of servers
   * one PUT or restore may remove without `?allowDestructive=true` (409 otherwise).
   */
  limits: z.object({
    servers: z.number().int().positive().default(50_000),
    backends: z.number().int().positive().default(10_000),
    aclValues: z.number().int().positive().default(100_000),
    destructiveShare: z.number().min(0).max(1).default(0.5),
    /** A request body past this many bytes is a 413, refused while it arrives. */
    bodyBytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(32 * 1024 * 1024),
  }).strict().default({
    servers: 50_000,
    backends: 10_000,
    aclValues: 100_000,
    destructiveShare: 0.5,
    bodyBytes: 32 * 1024 * 1024,
  }),
  /**
   * Which account the embedded HAProxy's workers run as. `auto` drops to `user`/`group` when
   * patchpanel runs as root in embedded mode; `always` renders them in any mode (attach to a
   * systemd HAProxy started as root); `never` renders no user/group.
   */
  privileges: z.object({
    drop: z.enum(["auto", "always", "never"]).default("auto"),
    user: z.string().regex(/^[a-z_][a-z0-9_-]*$/).default("haproxy"),
    group: z.string().regex(/^[a-z_][a-z0-9_-]*$/).default("haproxy"),
  }).strict().default({ drop: "auto", user: "haproxy", group: "haproxy" }),
  security: z.object({
    /**
     * Accept `rawDirectives` in the state: admins get arbitrary HAProxy config, minus what
     * core/state/directives.ts never allows (Lua, external checks, setenv, stats sockets, …).
     */
    allowRawDirectives: z.boolean().default(false),
  }).strict().default({ allowRawDirectives: false }),
  /** Extra plugin modules to import in `deno run` mode (each default-exports a Plugin). */
  plugins: z.array(z.string()).default([]),
};

const coreSchema = z.object(coreConfigShape).strict();

/**
 * The parsed core settings, inferred from the Zod schema above (which is
 * their documentation; `deno doc` cannot render an inferred type).
 *
 * @internal
 */
export type CoreConfig = z.output<typeof coreSchema>;

/** The whole parsed config: core settings plus plugin sections by key. */
export type Config = CoreConfig & Record<string, unknown>;

/**
 * Parses YAML text with the core keys plus the plugins' config fragments.
 * Throws a {@link StartupError} naming every bad key.
 */
export function parseConfig(
  text: string,
  fragments: Record<string, z.ZodType> = {},
  source = "config.yaml",
): Config {
  let raw: unknown;
  try {
    raw = text.trim() ? YAML.parse(text) : {};
  } catch (e) {
    throw new StartupError("CONFIG_INVALID", `${source}: not valid YAML: ${(e as Error).message}`);
  }
  const schema = z.object({ ...coreConfigShape, ...fragments }).strict();
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const at = i.path.join(".");
      if (i.code === "unrecognized_keys") {
        const keys = i.keys.map((k) => (at ? `${at}.${k}` : k));
        return `unknown key ${keys.map((k) => `'${k}'`).join(", ")}`;
      }
      return `'${at}': ${i.message}`;
    });
    throw new StartupError("CONFIG_INVALID", `${source}: ${lines.join("; ")}`);
  }
  return parsed.data as Config;
}
