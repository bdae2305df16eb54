/**
 * A minimal leveled logger. It never receives secrets: callers log names and
 * ids, never tokens, passwords or keys.
 *
 * @module
 */

/** Log methods every module gets. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(prefix: string): Logger;
}

/** A logger writing one line per event to stderr; `quiet` silences info for tests. */
export function createLogger(prefix = "patchpanel", quiet = false): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (quiet && level === "info") return;
    const extra = fields && Object.keys(fields).length ? " " + JSON.stringify(fields) : "";
    console.error(`${new Date().toISOString()} ${level} [${prefix}] ${message}${extra}`);
  };
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (p) => createLogger(`${prefix}:${p}`, quiet),
  };
}
