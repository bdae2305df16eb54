/**
 * Runtime ACL entries. `ref` is an index into `state.acls` or an ACL's name.
 *
 * A file-backed ACL (`file: true`) is loaded by HAProxy from
 * `<data>/acls/<name>.lst`; an entry added or removed at run time is sent to
 * HAProxy, written to that file and recorded in `state.acls[i].values`
 * through the pipeline's `adoptRuntime` (state.json, snapshot, audit, no
 * reload), so it survives restarts and the next apply keeps it. Any other
 * ACL's values live in the cfg line itself, so a runtime change there lasts
 * only until HAProxy restarts or reloads, and the response says so. An
 * inline ACL is declared in each frontend that uses it; HAProxy gives each
 * declaration its own runtime id, and a change goes to all of them.
 *
 * @module
 */
import { z } from "zod";
import { conflict, haproxyRefused, notFound } from "../../core/errors.ts";
import type { PluginHost, RequestContext } from "../../core/plugin.ts";
import { aclFilePath } from "../../core/render/haproxy.ts";
import type { AclModel } from "../../core/state/haproxy_schema.ts";
import { readTextOrNull } from "../../core/fsutil.ts";
import { audited, type RuntimeApi } from "./admin.ts";
import { checkName, checkValue, command, value, word } from "./command.ts";
import { type AclRef, parseAclEntries, parseAclRefs } from "./parse.ts";

const EntryBody = z.object({ value: z.string().min(1).max(1024) }).strict();

/** The note a runtime-only change carries. */
export const RUNTIME_ONLY_NOTE =
  "runtime-only: this ACL is not file-backed, so the entry lives in HAProxy's memory until the " +
  "next reload or restart; add it to state.acls[].values (or set file: true) to keep it";

/** What an entry change answers. `persisted: false` always comes with the runtime-only `note`. */
export type EntryChange =
  & { acl: string; value: string; op: "add" | "del"; changed: boolean }
  & (
    | { persisted: true; file: string; snapshotId: string | null }
    | { persisted: false; note: string; runtimeIds: number[] }
  );

/** An ACL of the state, with the runtime ids HAProxy gave its declarations. */
interface ResolvedAcl {
  index: number;
  acl: AclModel;
  refs: AclRef[];
}

/** Registers the ACL listing and entry routes. */
export function aclRoutes(host: PluginHost, api: RuntimeApi): void {
  const resolveIndex = (ref: string): number => {
    const acls = host.state().acls;
    if (/^\d{1,6}$/.test(ref)) {
      const i = Number(ref);
      if (i >= acls.length) throw notFound(`ACL ${ref} not found (state.acls has ${acls.length})`);
      return i;
    }
    checkName(ref, "ACL reference");
    const i = acls.findIndex((a) => a.name === ref);
    if (i < 0) throw notFound(`ACL ${ref} not found in state.acls`);
    return i;
  };

  /** What HAProxy reports (`show acl`) and the cfg lines its inline refs point at. */
  const snapshot = async () => ({
    refs: parseAclRefs(await api.read(command(word("show acl")), "ACLs")),
    cfg: (await readTextOrNull(host.paths.cfg))?.split("\n") ?? [],
  });

  /** The runtime ids of one ACL: its pattern file, or each cfg line that declares it. */
  const runtimeRefs = async (
    acl: AclModel,
    seen?: { refs: AclRef[]; cfg: string[] },
  ): Promise<AclRef[]> => {
    const { refs, cfg } = seen ?? await snapshot();
    if (acl.file) {
      const file = aclFilePath(host.paths, acl.name);
      return refs.filter((r) => r.file === file);
    }
    return refs.filter((r) => {
      if (r.declaredAt?.file !== host.paths.cfg) return false;
      const words = (cfg[r.declaredAt.line - 1] ?? "").trim().split(/\s+/);
      return words[0] === "acl" && words[1] === acl.name;
    });
  };

  const resolve = async (ref: string): Promise<ResolvedAcl> => {
    const index = resolveIndex(ref);
    const acl = host.state().acls[index];
    return { index, acl, refs: await runtimeRefs(acl) };
  };

  const entriesOf = async (r: ResolvedAcl): Promise<string[]> => {
    const all = new Set<string>();
    for (const ref of r.refs) {
      const out = await api.read(
        command(word("show acl"), word(`#${ref.id}`)),
        `ACL ${r.acl.name}`,
      );
      for (const v of parseAclEntries(out)) all.add(v);
    }
    return [...all];
  };

  host.route("GET", "/api/runtime/acls", {
    role: "viewer",
    tier: "read",
    summary: "The state's ACLs with their runtime ids and whether changes persist",
  }, async () => {
    const acls = host.state().acls;
    const seen = await snapshot();
    const out = [];
    for (const [index, acl] of acls.entries()) {
      const refs = await runtimeRefs(acl, seen);
      out.push({
        index,
        name: acl.name,
        criterion: acl.criterion,
        file: acl.file,
        persisted: acl.file,
        loaded: refs.length > 0,
        runtimeIds: refs.map((r) => r.id),
        entryCount: refs.length ? Math.max(...refs.map((r) => r.entryCount)) : 0,
      });
    }
    return { acls: out };
  });

  host.route("GET", "/api/runtime/acls/:ref/entries", {
    role: "viewer",
    tier: "read",
    summary: "The entries HAProxy currently matches for one ACL",
  }, async (ctx) => {
    const r = await resolve(ctx.params.ref);
    const loaded = r.refs.length > 0;
    return {
      index: r.index,
      name: r.acl.name,
      loaded,
      persisted: r.acl.file,
      entries: loaded ? await entriesOf(r) : r.acl.values,
    };
  });

  host.route("POST", "/api/runtime/acls/:ref/entries", {
    role: "operator",
    tier: "write",
    summary: "Add an ACL entry at run time (persisted when the ACL is file-backed)",
  }, (ctx) => change(ctx, "add"));

  host.route("DELETE", "/api/runtime/acls/:ref/entries", {
    role: "operator",
    tier: "write",
    summary: "Remove an ACL entry at run time (persisted when the ACL is file-backed)",
  }, (ctx) => change(ctx, "del"));

  async function change(ctx: RequestContext, op: "add" | "del") {
    const index = resolveIndex(ctx.params.ref);
    const { value: raw } = await ctx.body(EntryBody);
    const entry = checkValue(raw, "value");
    const acl = host.state().acls[index];
    return await audited(
      host.audit,
      {
        actor: ctx.actor,
        action: `acl:${op}`,
        target: acl.name,
        details: { value: entry, persisted: acl.file },
      },
      () => acl.file ? changeFileBacked(ctx, index, acl, op, entry) : changeInline(acl, op, entry),
    );
  }

  /** Sends `add|del acl #id value` to every ref; true when at least one had (or took) it. */
  async function send(refs: AclRef[], op: "add" | "del", entry: string): Promise<boolean> {
    let hit = false;
    for (const ref of refs) {
      const reply = await api.attempt(
        command(word(`${op} acl`), word(`#${ref.id}`), value(entry, "value")),
      );
      if (reply.kind === "done") hit = true;
      else if (reply.kind === "refused") {
        throw haproxyRefused(`HAProxy refused '${op} acl #${ref.id}'`, reply.output);
      }
    }
    return hit;
  }

  async function changeInline(
    acl: AclModel,
    op: "add" | "del",
    entry: string,
  ): Promise<EntryChange> {
    const refs = await runtimeRefs(acl);
    if (refs.length === 0) {
      throw conflict(`ACL ${acl.name} is not used by any frontend, so HAProxy holds no copy of it`);
    }
    const hit = await send(refs, op, entry);
    if (op === "del" && !hit) throw notFound(`ACL ${acl.name} has no entry '${entry}'`);
    return {
      acl: acl.name,
      value: entry,
      op,
      changed: hit,
      runtimeIds: refs.map((r) => r.id),
      persisted: false,
      note: RUNTIME_ONLY_NOTE,
    };
  }

  async function changeFileBacked(
    ctx: RequestContext,
    index: number,
    acl: AclModel,
    op: "add" | "del",
    entry: string,
  ): Promise<EntryChange> {
    const file = aclFilePath(host.paths, acl.name);
    const present = acl.values.includes(entry);
    if (op === "del" && !present) throw notFound(`ACL ${acl.name} has no entry '${entry}'`);
    if (op === "add" && present) {
      return {
        acl: acl.name,
        value: entry,
        op,
        changed: false,
        persisted: true,
        file,
        snapshotId: null,
      };
    }
    const result = await host.adoptRuntime((state) => {
      const a = state.acls[index];
      if (a?.name !== acl.name) throw conflict(`state.acls changed while adding; retry`);
      a.values = op === "add" ? [...a.values, entry] : a.values.filter((v) => v !== entry);
      return state;
    }, async () => {
      await send(await runtimeRefs(acl), op, entry);
    }, {
      actor: ctx.actor,
      reason: `runtime:acl-${op}:${acl.name}`,
      role: ctx.principal?.role ?? "viewer",
    });
    return {
      acl: acl.name,
      value: entry,
      op,
      changed: true,
      persisted: true,
      file,
      snapshotId: result.snapshotId,
    };
  }
}
