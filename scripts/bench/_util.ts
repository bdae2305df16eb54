/**
 * Helpers shared by the benchmarks (the runner skips files starting with `_`).
 *
 * @module
 */

/** The median of a sample (the mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A state with `backends` × `servers` loopback servers (no health checks, so
 * nothing is sent anywhere); `variant` moves one weight, so consecutive
 * applies are real changes of the same size.
 */
export function bigState(
  frontendPort: number,
  backends: number,
  servers: number,
  variant = 0,
): Record<string, unknown> {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe-bench",
        binds: [{ address: `127.0.0.1:${frontendPort}` }],
        defaultBackend: "be-0",
      }],
      backends: Array.from({ length: backends }, (_, b) => ({
        id: `be-${b}`,
        balance: { algorithm: "roundrobin" },
        servers: Array.from({ length: servers }, (_, s) => ({
          name: `s${s}`,
          address: `127.0.${(b >> 8) & 255}.${(b & 255) || 1}:${10000 + s}`,
          weight: b === 0 && s === 0 ? 100 + variant : 100,
          check: false,
        })),
      })),
    },
    acls: [],
  };
}

/**
 * The config a benchmark's daemon runs with: what users run — HTTPS with the
 * self-signed key pair, bcrypt cost 12 — so its figures are the ones users
 * see. Only the rate limits are raised (a benchmark sends more requests than
 * a minute's budget; the limiter's cost per request is the same), and info
 * logging is off to keep the output readable.
 */
export function benchConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    https: { enabled: true },
    auth: { bcryptCost: 12 },
    rateLimit: { authMax: 100_000, writeMax: 100_000, readMax: 1_000_000_000 },
    logging: { quiet: true },
    ...extra,
  };
}

/**
 * Whether the daemons of this run set `TCP_NODELAY` (`BENCH_NODELAY=off` runs
 * every benchmark as before the fix, to measure what the stall cost).
 */
export function benchNoDelay(): boolean {
  return Deno.env.get("BENCH_NODELAY") !== "off";
}

/** curl's arguments for trusting a daemon's own certificate. */
export function caArgs(tlsDir: string): string[] {
  return ["--cacert", `${tlsDir}/cert.pem`];
}
