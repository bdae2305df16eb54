/**
 * A minimal leveled logger. It never receives secrets: callers log names and
 * ids, never tokens, passwords or keys.
 *
 * @module
 */

/** Log methods every module gets. */
export interface Logger {
  /** Logs routine progress; `fields` become structured context. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Logs something an operator should look at that did not stop the work. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Logs a failure; never pass secrets in `fields`. */
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines carry `prefix` too, e.g. one per plugin. */
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
