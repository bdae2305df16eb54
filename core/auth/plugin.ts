/**
 * Authentication's routes, registered through the plugin contract like
 * everything else so the route table lists them with role and tier. The
 * daemon always registers this plugin; the guards themselves are installed
 * by the daemon from {@link authGuards}.
 *
 * @module
 */
import { definePlugin, type Plugin } from "../plugin.ts";
import type { Auth } from "./service.ts";
import { sessionRoutes } from "./routes_session.ts";
import { userRoutes } from "./routes_users.ts";
import { tokenRoutes } from "./routes_tokens.ts";

/** The built-in `auth` plugin; `auth` is built before setup runs. */
export function authPlugin(auth: () => Auth): Plugin {
  return definePlugin({
    name: "auth",
    setup(host) {
      const a = auth();
      sessionRoutes(host, a);
      userRoutes(host, a);
      tokenRoutes(host, a);
      let timer: ReturnType<typeof setInterval> | undefined;
      host.service({
        name: "session-pruner",
        start() {
          a.sessions.prune();
          timer = setInterval(() => a.sessions.prune(), 10 * 60_000);
        },
        stop() {
          clearInterval(timer);
        },
      });
    },
  });
}
