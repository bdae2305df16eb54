/**
 * The state the error-page tests share: one frontend whose only backend is
 * health-checked against a port nothing listens on, so HAProxy marks the
 * server DOWN and answers 503 (with the state's page, if it has one).
 *
 * @module
 */

/** That state, on frontend port `fe`, with `pages` as its `errorPages`. */
export function deadBackendState(fe: number, deadPort: number, pages: unknown[]) {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "1s", client: "5s", server: "5s" } },
      frontends: [{ id: "fe", binds: [{ address: `127.0.0.1:${fe}` }], defaultBackend: "gone" }],
      backends: [{
        id: "gone",
        servers: [{ name: "s", address: `127.0.0.1:${deadPort}`, check: true }],
      }],
    },
    errorPages: pages,
  };
}
