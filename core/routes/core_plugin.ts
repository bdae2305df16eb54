/**
 * The core's own routes, registered through the same plugin contract as
 * everything else, so the route table (roles, tiers) covers them too.
 *
 * @module
 */
import { definePlugin, type Plugin } from "../plugin.ts";
import type { CoreDeps } from "./deps.ts";
import { stateRoutes } from "./state.ts";
import { historyRoutes } from "./history.ts";
import { haproxyRoutes } from "./haproxy.ts";
import { driftRoutes } from "./drift.ts";
import { processRoutes } from "./process.ts";
import { systemRoutes } from "./system.ts";
import { clientErrorRoutes } from "./client_errors.ts";
import { errorPageRoutes } from "./error_pages.ts";
import { confirmRoutes } from "./confirm.ts";
import { ConfirmConfig } from "../apply/confirm_params.ts";

/** The built-in `core` plugin; `deps` is filled in before setup runs. */
export function corePlugin(deps: () => CoreDeps): Plugin {
  return definePlugin({
    name: "core",
    // Commit-confirmed applies (core/apply/confirm*.ts): window bounds and guard defaults.
    config: { confirm: ConfirmConfig.default(ConfirmConfig.parse({})) },
    setup(host) {
      const d = deps();
      const confirmed = confirmRoutes(host, d);
      stateRoutes(host, d, confirmed);
      historyRoutes(host, d, confirmed);
      haproxyRoutes(host, d);
      driftRoutes(host, d);
      processRoutes(host, d);
      systemRoutes(host);
      clientErrorRoutes(host);
      errorPageRoutes(host);
      host.route("GET", "/api/routes", {
        role: "viewer",
        tier: "read",
        summary: "Every registered route with its role and rate tier",
      }, () => ({ routes: d.routes() }));
    },
  });
}
