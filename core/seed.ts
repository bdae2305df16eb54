/**
 * The starter configuration a first `scripts/start` seeds into an empty data
 * directory: one frontend, one backend with one server, one named ACL, and
 * HAProxy's stats page — small, working, and on loopback only.
 *
 * @module
 */

/** The seed document (before schema defaults are applied). */
export function seedState(): Record<string, unknown> {
  return {
    version: 1,
    haproxy: {
      global: { maxconn: 4096 },
      defaults: {
        mode: "http",
        options: ["httplog", "dontlognull"],
        timeouts: { connect: "5s", client: "30s", server: "30s" },
      },
      frontends: [{
        id: "fe-http",
        binds: [{ address: "127.0.0.1:8080" }],
        useBackends: [{ backend: "web-pool", cond: "if known_hosts" }],
        defaultBackend: "web-pool",
      }],
      backends: [{
        id: "web-pool",
        balance: { algorithm: "roundrobin" },
        servers: [{ name: "web-1", address: "127.0.0.1:8081", weight: 100 }],
      }],
      stats: { bind: "127.0.0.1:8404", uri: "/", refresh: "10s" },
    },
    acls: [{
      name: "known_hosts",
      criterion: "hdr_dom(host)",
      flags: ["-i"],
      values: ["localhost", "127.0.0.1"],
    }],
  };
}
