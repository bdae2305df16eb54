/**
 * The default plugin set of the patchpanel binary. This is the only file
 * that imports every built-in plugin.
 *
 * @module
 */
import type { Plugin } from "../core/plugin.ts";
import { runtime } from "./runtime/mod.ts";
import { tls } from "./tls/mod.ts";
import { byoCerts } from "./byo-certs/mod.ts";
import { certbot } from "./certbot/mod.ts";
import { trustedCas } from "./trusted-cas/mod.ts";
import { stats } from "./stats/mod.ts";
import { geoip } from "./geoip/mod.ts";
import { lua } from "./lua/mod.ts";
import { notifications } from "./notifications/mod.ts";
import { peers } from "./peers/mod.ts";
import { accessLog } from "./accesslog/mod.ts";

/** The built-in plugins, in registration order. */
export function defaultPlugins(): Plugin[] {
  return [
    runtime(),
    tls(),
    byoCerts(),
    certbot(),
    trustedCas(),
    stats(),
    geoip(),
    lua(),
    notifications(),
    peers(),
    accessLog(),
  ];
}
