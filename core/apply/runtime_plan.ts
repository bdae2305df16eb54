/**
 * The runtime differ's changes as Runtime API commands, each step with the
 * commands that undo it, computed from what runs now (a weight an operator
 * set at run time is put back as it was, not as the old cfg said). Steps run
 * in order: ACL entries, server updates, new servers, servers going to
 * maintenance, then deletions, the one step that waits for sessions to end
 * and the only one whose undo cannot restore everything (a re-added server
 * starts with fresh counters), so it comes last.
 *
 * @module
 */
import type { AdminState } from "../haproxy/server_state.ts";
import type { RuntimeChanges, ServerChange } from "./runtime_diff.ts";
import { ipPort } from "./runtime_cfg.ts";

/** One command line and the answer that means it worked. */
export interface RuntimeCommand {
  line: string;
  expect: RegExp;
}

/** A step of server commands. */
export interface CommandStep {
  kind: "commands";
  /** For logs and errors: `app/web3 weight 5`. */
  what: string;
  /** `delete` steps run after the candidate's `haproxy -c` passed. */
  phase: "change" | "delete";
  commands: RuntimeCommand[];
  /** Run in order to take the step back. */
  undo: RuntimeCommand[];
  /** Retry until the server has no sessions left (`del server` refuses before), up to a bound. */
  drain?: boolean;
}

/** An ACL's entries replaced atomically (`prepare acl`, `add acl @v`, `commit acl @v`). */
export interface AclStep {
  kind: "acl";
  what: string;
  phase: "change";
  file: string;
  entries: string[];
  /** What the ACL held at run time before, restored the same way on undo. */
  previous: string[];
}

/** One step of a runtime apply. */
export type RuntimeStep = CommandStep | AclStep;

/** What runs now, for the undo commands. */
export interface RunningView {
  /** By `backend/server`: address, port, weight and effective admin state. */
  servers: ReadonlyMap<
    string,
    { address: string; port: number; weight: number; admin: AdminState }
  >;
  /** By pattern file: the entries `show acl <file>` lists. */
  acls: ReadonlyMap<string, string[]>;
}

const EMPTY = /^\s*$/;
const REGISTERED = /New server registered/;
const DELETED = /Server deleted/;
const ADDR = /changed from|no need to change/;

const cmd = (line: string, expect: RegExp = EMPTY): RuntimeCommand => ({ line, expect });
const weight = (id: string, w: number) => cmd(`set server ${id} weight ${w}`);
const state = (id: string, s: AdminState) => cmd(`set server ${id} state ${s}`);

/** The steps for `changes`; throws when a server to change does not run (the caller reloads). */
export function planSteps(changes: RuntimeChanges, running: RunningView): RuntimeStep[] {
  const steps: RuntimeStep[] = changes.acls.map((a) => ({
    kind: "acl",
    what: `acl ${a.file}`,
    phase: "change",
    file: a.file,
    entries: a.entries,
    previous: running.acls.get(a.file) ?? [],
  }));
  const order = { update: 0, add: 1, remove: 2 } as const;
  const sorted = [...changes.servers].sort((a, b) => order[a.kind] - order[b.kind]);
  for (const change of sorted) steps.push(...serverSteps(change, running));
  // Every server leaves rotation before the first deletion waits for its sessions.
  return [
    ...steps.filter((s) => s.phase === "change"),
    ...steps.filter((s) => s.phase === "delete"),
  ];
}

function serverSteps(change: ServerChange, running: RunningView): CommandStep[] {
  const id = `${change.backend}/${change.server}`;
  const now = running.servers.get(id);
  if (change.kind === "add") {
    const a = change.after;
    const commands = [
      cmd(`add server ${id} ${a.address} ${change.keywords.join(" ")}`, REGISTERED),
    ];
    if (change.keywords.includes("check")) commands.push(cmd(`enable health ${id}`));
    if (!a.disabled) commands.push(state(id, "ready"));
    return [{
      kind: "commands",
      what: `${id} added`,
      phase: "change",
      commands,
      undo: [state(id, "maint"), cmd(`del server ${id}`, DELETED)],
    }];
  }
  if (!now) throw new Error(`${id} does not run`);
  if (change.kind === "remove") {
    const back = [
      cmd(`add server ${id} ${change.before.address} ${change.keywords.join(" ")}`, REGISTERED),
    ];
    if (change.keywords.includes("check")) back.push(cmd(`enable health ${id}`));
    back.push(weight(id, now.weight), state(id, now.admin));
    return [
      {
        kind: "commands",
        what: `${id} to maintenance`,
        phase: "change",
        commands: [state(id, "maint")],
        undo: [state(id, now.admin)],
      },
      {
        kind: "commands",
        what: `${id} deleted`,
        phase: "delete",
        commands: [cmd(`del server ${id}`, DELETED)],
        undo: back,
        drain: true,
      },
    ];
  }
  const { before, after } = change;
  const commands: RuntimeCommand[] = [];
  const undo: RuntimeCommand[] = [];
  const to = ipPort(after.address);
  if (before.address !== after.address && to) {
    commands.push(cmd(`set server ${id} addr ${to.ip} port ${to.port}`, ADDR));
    undo.push(cmd(`set server ${id} addr ${now.address} port ${now.port}`, ADDR));
  }
  // A reload starts a server whose definition changed (address, disabled) as its cfg says,
  // dropping what was set at run time; a weight-only change keeps a runtime drain or maint.
  const redefined = before.address !== after.address || before.disabled !== after.disabled;
  if (now.weight !== after.weight) {
    commands.push(weight(id, after.weight));
    undo.push(weight(id, now.weight));
  }
  const admin: AdminState = after.disabled ? "maint" : "ready";
  if (redefined && now.admin !== admin) {
    commands.push(state(id, admin));
    undo.push(state(id, now.admin));
  }
  return [{
    kind: "commands",
    what: `${id} updated`,
    phase: "change",
    commands,
    undo: undo.reverse(),
  }];
}
