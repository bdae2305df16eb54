/**
 * The runtime console: `POST /api/runtime/command {command}` runs one or
 * more `;`-separated Runtime API commands for any signed-in role and returns
 * their output. The caller's role caps the CLI level with HAProxy's own
 * level commands (`user`, `operator`) sent first on the same connection, so
 * HAProxy itself enforces what a viewer or operator may do and
 * `show cli level` answers the caller's real level. Line breaks are refused
 * (they would start commands outside that capped session) and every command
 * is audited.
 *
 * @module
 */
import { z } from "zod";
import { badRequest } from "../../core/errors.ts";
import type { PluginHost, Role } from "../../core/plugin.ts";
import type { RuntimeApi } from "./admin.ts";
import { refusalsPerCommand } from "./console_reply.ts";

/** HAProxy's CLI levels. */
export type CliLevel = "user" | "operator" | "admin";

/** The CLI level each patchpanel role gets. */
export const LEVEL_OF_ROLE: Record<Role, CliLevel> = {
  viewer: "user",
  operator: "operator",
  admin: "admin",
};

/**
 * The line sent to the admin socket for a caller: the command, behind the
 * level-lowering command for roles below admin. The admin socket starts at
 * `admin` and HAProxy only ever lowers a session's level.
 */
export function consoleLine(role: Role, commandText: string): string {
  const level = LEVEL_OF_ROLE[role];
  return level === "admin" ? commandText : `${level}; ${commandText}`;
}

/** Splits a console line into its commands for the audit log (`\;` is not a separator). */
export function splitCommands(line: string): string[] {
  return line.split(/(?<!\\);/).map((c) => c.trim()).filter((c) => c.length > 0);
}

/** Registers the console route. */
export function consoleRoutes(host: PluginHost, api: RuntimeApi, maxLength: number): void {
  const Body = z.object({ command: z.string().min(1).max(maxLength) }).strict();
  host.route("POST", "/api/runtime/command", {
    role: "viewer",
    tier: "write",
    summary: "Run Runtime API commands (';'-separated) at the caller's level",
  }, async (ctx) => {
    const { command } = await ctx.body(Body);
    if (/[\r\n\0]/.test(command)) {
      throw badRequest("command must be a single line; separate commands with ';'");
    }
    const role: Role = ctx.principal?.role ?? "viewer";
    const level = LEVEL_OF_ROLE[role];
    const commands = splitCommands(command);
    if (commands.length === 0) throw badRequest("command is empty");
    // One audit entry per command of the line: a failure when the socket failed, or when
    // HAProxy refused that command ("Permission denied", "Unknown command", ...).
    const record = (errors: (string | null)[]) => {
      commands.forEach((c, i) => {
        const error = errors[i];
        host.audit.record({
          actor: ctx.actor,
          category: "haproxy",
          action: "command",
          target: null,
          details: error ? { command: c, level, error } : { command: c, level },
          outcome: error ? "failure" : "success",
        });
      });
    };
    let output: string;
    try {
      output = await api.raw(consoleLine(role, command));
    } catch (error) {
      record(commands.map(() => (error as Error).message));
      throw error;
    }
    const refusals = refusalsPerCommand(output, commands.length, level === "admin" ? 0 : 1);
    record(refusals.map((r) => r && `HAProxy refused: ${r}`));
    // The level command answers an empty line of its own; drop it so the output is the caller's.
    const shown = level === "admin" ? output : output.replace(/^\n/, "");
    return { level, commands, output: shown };
  });
}
