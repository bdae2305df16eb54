/**
 * An example third-party plugin: a maintenance switch. While
 * `maintenance.enabled` is true every frontend answers 503 with the
 * message, before any backend is chosen. Written against `mod.ts` alone.
 *
 * @module
 */
import { d, definePlugin, type Plugin, z } from "../../mod.ts";

const Maintenance = z.object({
  enabled: z.boolean().default(false),
  // Printed inside a quoted HAProxy argument: only characters that need no escaping.
  message: z.string().max(200).regex(/^[A-Za-z0-9 .,:!?'-]*$/).default("Down for maintenance"),
}).strict();

/** The `maintenance` state key. */
export type Maintenance = ReturnType<typeof Maintenance.parse>;

/** Makes the plugin (no options). */
export default function maintenanceWindow(): Plugin {
  const of = (state: unknown) => (state as { maintenance: Maintenance }).maintenance;
  return definePlugin({
    name: "maintenance-window",
    patchpanel: "^0.1",
    schema: {
      maintenance: Maintenance.default({ enabled: false, message: "Down for maintenance" }),
    },
    fieldRoles: [{ path: "maintenance", role: "operator" }, {
      path: "maintenance.*",
      role: "operator",
    }],
    setup(host) {
      host.route("GET", "/api/maintenance", {
        role: "viewer",
        tier: "read",
        summary: "Whether the maintenance switch is on, and its message",
        response: Maintenance,
      }, () => of(host.state()));
      host.render((model, state) => {
        const m = of(state);
        if (!m.enabled) return;
        const answer = ["return", "status", "503", "content-type", "text/plain"];
        for (const s of model.sections.filter((s) => s.kind === "frontend")) {
          s.directives.unshift(d("http-request", [...answer, "string", `"${m.message}"`]));
        }
      });
    },
  });
}
