/**
 * The built-in `ui` plugin: the console's own pages (sign-in, dashboard,
 * backends, raw state, cfg, snapshots, audit, users, tokens), registered
 * through the same `host.page` contract any plugin uses.
 *
 * @module
 */
import { definePlugin, type Plugin } from "../core/plugin.ts";
import { authPages } from "./pages/auth.ts";
import { dashboardPages } from "./pages/dashboard.ts";
import { backendPages } from "./pages/backends.ts";
import { statePages } from "./pages/state.ts";
import { snapshotPages } from "./pages/snapshots.ts";
import { auditPages } from "./pages/audit.ts";
import { accessPages } from "./pages/tokens.ts";
import { frontendPages } from "./pages/frontends.ts";
import { systemPages } from "./pages/system.ts";
import { pendingPages } from "./pages/pending.ts";
import { accountPages } from "./pages/account.ts";
import { settingsPages } from "./pages/settings.ts";
import { errorPagePages } from "./pages/error_pages.ts";

/** The console's core pages. */
export function uiPlugin(): Plugin {
  return definePlugin({
    name: "ui",
    setup(host) {
      for (
        const page of [
          ...authPages(),
          ...dashboardPages(),
          ...frontendPages(),
          ...backendPages(),
          ...statePages(),
          ...snapshotPages(),
          ...auditPages(),
          ...accessPages(),
          ...systemPages(),
          ...pendingPages(),
          ...accountPages(),
          ...settingsPages(),
          ...errorPagePages(),
        ]
      ) host.page(page);
    },
  });
}
