/**
 * The peers plugin: multi-node pairing by pasted tokens. A node mints an
 * inbound token (stored hashed, inbound.ts); the other node adds it as a
 * peer (peers_store.ts). `/api/peers/*` is the operator surface (API
 * tokens and sessions); `/api/peer/*` the server-to-server one (raw inbound
 * tokens only, peer_auth.ts). Cluster config lives in the shared database,
 * not in the state, so it is never pushed and every route that changes it
 * is admin.
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { InboundTokens, PEERS_MIGRATIONS } from "./inbound.ts";
import { Peers, plainHttpWarning } from "./peers_store.ts";
import { registerRoutes } from "./routes.ts";
import { PeerClient } from "./client.ts";
import { ReceivedVersions, Sync } from "./sync.ts";
import { NodeConfigFile } from "./node_config.ts";
import { peersPages } from "./pages.ts";
import { NODE_CONFIG_REASON, registerNodeConfigRoutes } from "./node_routes.ts";
import { DRIFT, PeerAlerts, UNREACHABLE } from "./alerts.ts";

/** The event emitted (once per peer and certificate seen) when a peer's certificate changed. */
export const PIN_MISMATCH = "peers:pin-mismatch";

/**
 * How often every peer's drift is checked in the background, so drift and an
 * unreachable peer are announced without anyone opening the cluster page.
 */
export const DRIFT_CHECK_MS = 60_000;

/** Builds the peers plugin. */
export function peers(): Plugin {
  return definePlugin({
    name: "peers",
    events: [PIN_MISMATCH, DRIFT, UNREACHABLE],
    setup(host) {
      host.migrate(PEERS_MIGRATIONS);
      const peers = new Peers(host.db);
      const client = new PeerClient(peers, host.audit, undefined, (peer, seen) => {
        host.log.error("peer presented another TLS certificate; refused", {
          peer: peer.name,
          pinned: peer.fingerprint,
          seen,
        });
        host.emit(PIN_MISMATCH, {
          peer: peer.name,
          url: peer.url,
          pinned: peer.fingerprint ?? "",
          seen,
        }).catch((e) => host.log.warn("event not delivered", { error: String(e) }));
      });
      const alerts = new PeerAlerts((a) => {
        host.log.warn(a.event === DRIFT ? "peer drifted" : "peer unreachable", a.payload);
        host.emit(a.event, a.payload).catch((e) =>
          host.log.warn("event not delivered", { error: String(e) })
        );
      });
      const sync = new Sync(peers, client, () => host.state(), host.log, host.stateFiles, alerts);
      let checking: ReturnType<typeof setInterval> | undefined;
      registerRoutes(host, new InboundTokens(host.db), peers, sync, new ReceivedVersions(host.db));
      const nodeConfig = new NodeConfigFile(host.paths.dataDir);
      host.render((model) => nodeConfig.apply(model));
      registerNodeConfigRoutes(host, nodeConfig);
      for (const page of peersPages()) host.page(page);
      // A state that came from a peer is not pushed back, nor a node-local re-render; the rest is.
      host.on("apply:succeeded", (e) => {
        if (!e.reason?.startsWith("peer:") && e.reason !== NODE_CONFIG_REASON) {
          sync.pushAll(e.state);
        }
      });
      host.service({
        name: "peers-push",
        start() {
          for (const p of peers.list()) {
            if (plainHttpWarning(p.url)) {
              host.log.warn("peer over plain http", { peer: p.name, url: p.url });
            }
          }
          checking = setInterval(() => {
            sync.drift().catch((e) => host.log.warn("drift check failed", { error: String(e) }));
          }, DRIFT_CHECK_MS);
        },
        stop: () => {
          clearInterval(checking);
          sync.stop();
        },
      });
    },
  });
}
