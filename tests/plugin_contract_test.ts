/**
 * Every built-in plugin passes the plugin contract suite
 * (`tests/plugin_contract.ts`), each with a state that makes it render.
 *
 * @module
 */
import { pluginContract } from "./plugin_contract.ts";
import { freePort, simpleState } from "./support/daemon.ts";
import { runtime } from "../plugins/runtime/mod.ts";
import { tls } from "../plugins/tls/mod.ts";
import { byoCerts } from "../plugins/byo-certs/mod.ts";
import { trustedCas } from "../plugins/trusted-cas/mod.ts";
import { stats } from "../plugins/stats/mod.ts";
import { geoip } from "../plugins/geoip/mod.ts";
import { lua } from "../plugins/lua/mod.ts";
import { notifications } from "../plugins/notifications/mod.ts";
import { peers } from "../plugins/peers/mod.ts";

/** One frontend on a free loopback port and one backend (never sent traffic here). */
const state = () => simpleState(freePort(), [{ name: "web-1", address: "127.0.0.1:9" }]);

pluginContract({ plugin: runtime, state });
pluginContract({ plugin: tls, state });
pluginContract({ plugin: byoCerts, dependencies: () => [tls()], state });
pluginContract({ plugin: trustedCas, state });
pluginContract({ plugin: stats, state });
pluginContract({ plugin: geoip, state });
pluginContract({ plugin: lua, state });
pluginContract({ plugin: notifications, state });
pluginContract({ plugin: peers, state });
