/**
 * Reports the console's own script errors to `POST /api/client-errors`, so an
 * operator finds them in the audit log. A few per page at most (the server
 * also limits each user), fire and forget: reporting must never raise an
 * error of its own.
 *
 * @module
 */

const MAX_PER_PAGE = 3;

/** Installs the `error` and `unhandledrejection` listeners on `target`. */
export function reportErrors(target: Window = window): void {
  let sent = 0;
  const send = (report: Record<string, unknown>) => {
    if (sent >= MAX_PER_PAGE) return;
    sent++;
    fetch("/api/client-errors", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ page: location.pathname.slice(0, 300), ...report }),
    }).catch(() => {});
  };
  target.addEventListener("error", (e: ErrorEvent) => {
    send({
      message: String(e.message || "script error").slice(0, 1000),
      source: e.filename ? String(e.filename).slice(0, 300) : undefined,
      line: Number.isInteger(e.lineno) ? e.lineno : undefined,
      column: Number.isInteger(e.colno) ? e.colno : undefined,
      stack: e.error instanceof Error ? String(e.error.stack ?? "").slice(0, 4000) : undefined,
    });
  });
  target.addEventListener("unhandledrejection", (e: PromiseRejectionEvent) => {
    const reason = e.reason instanceof Error ? e.reason : new Error(String(e.reason));
    send({
      message: `unhandled rejection: ${reason.message}`.slice(0, 1000),
      stack: String(reason.stack ?? "").slice(0, 4000),
    });
  });
}
