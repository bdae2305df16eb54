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
import { Peers } from "./peers_store.ts";
import { registerRoutes } from "./routes.ts";

/** Builds the peers plugin. */
export function peers(): Plugin {
  return definePlugin({
    name: "peers",
    setup(host) {
      host.migrate(PEERS_MIGRATIONS);
      registerRoutes(host, new InboundTokens(host.db), new Peers(host.db));
    },
  });
}
