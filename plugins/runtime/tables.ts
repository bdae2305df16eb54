/**
 * Runtime routes for stick tables and streams: list tables, read one, clear
 * it whole or one key; list sessions and shut one down. Keys and session ids
 * are checked before anything reaches the socket.
 *
 * @module
 */
import { z } from "zod";
import { badRequest, notFound } from "../../core/errors.ts";
import type { PluginHost } from "../../core/plugin.ts";
import { audited, type RuntimeApi } from "./admin.ts";
import { checkName, checkValue, command, name, value, word } from "./command.ts";
import { parseSessions, parseTable, parseTables } from "./parse.ts";

const ClearBody = z.object({ key: z.string().min(1).max(1024).optional() }).strict();

/** A stream id as `show sess` prints it. */
export const SESSION_ID = /^0x[0-9a-f]{1,16}$/;

/** Registers the stick-table and session routes. */
export function tableRoutes(host: PluginHost, api: RuntimeApi): void {
  const readTable = async (table: string) => {
    const parsed = parseTable(
      await api.read(command(word("show table"), name(table, "table")), `table ${table}`),
    );
    if (!parsed.table) throw notFound(`table ${table} not found`);
    return parsed;
  };

  host.route("GET", "/api/runtime/tables", {
    role: "viewer",
    tier: "read",
    summary: "Every stick table: name, type, size and entries in use",
  }, async () => ({
    tables: parseTables(await api.read(command(word("show table")), "tables")),
  }));

  host.route("GET", "/api/runtime/tables/:name", {
    role: "viewer",
    tier: "read",
    summary: "One stick table's entries",
  }, async (ctx) => {
    const { table, entries } = await readTable(checkName(ctx.params.name, "table"));
    return { ...table, entries };
  });

  host.route("POST", "/api/runtime/tables/:name/clear", {
    role: "operator",
    tier: "write",
    summary: "Clear a stick table, or only one key of it",
  }, async (ctx) => {
    const table = checkName(ctx.params.name, "table");
    const { key } = await ctx.body(ClearBody);
    if (key !== undefined) checkValue(key, "key");
    return await audited(host.audit, {
      actor: ctx.actor,
      action: "table:clear",
      target: table,
      details: key === undefined ? {} : { key },
    }, async () => {
      const before = await readTable(table);
      const cmd = key === undefined
        ? command(word("clear table"), name(table, "table"))
        : command(word("clear table"), name(table, "table"), word("key"), value(key, "key"));
      await api.mutate(cmd, `table ${table}`);
      const removed = key === undefined
        ? before.entries.length
        : before.entries.filter((e) => e.key === key).length;
      return { table, key: key ?? null, removed };
    });
  });

  host.route("GET", "/api/runtime/sessions", {
    role: "viewer",
    tier: "read",
    summary: "Current streams (parsed show sess), without the CLI's own",
  }, async () => ({
    sessions: parseSessions(await api.read(command(word("show sess")), "sessions"))
      .filter((s) => s.frontend !== "GLOBAL"),
  }));

  host.route("POST", "/api/runtime/sessions/:id/shutdown", {
    role: "operator",
    tier: "write",
    summary: "Shut one stream down by its id from show sess",
  }, async (ctx) => {
    const id = ctx.params.id;
    if (!SESSION_ID.test(id)) {
      throw badRequest("session id must look like 0x7fabc (from show sess)");
    }
    await audited(
      host.audit,
      { actor: ctx.actor, action: "session:shutdown", target: id },
      () => api.mutate(command(word("shutdown session"), value(id, "session id")), `session ${id}`),
    );
    return { id, shutdown: true };
  });
}
