/**
 * Which account HAProxy's workers run as. Started by a root patchpanel, an
 * embedded HAProxy would otherwise serve traffic as root: one parser bug
 * away from owning the host. So the rendered global section carries
 * `user`/`group` (config.yaml `privileges`, default `haproxy`, the account
 * Debian's haproxy package creates and `scripts/setup` creates when
 * missing). The master keeps root: it binds the listeners and sockets,
 * reads the cfg, certificates, ACL files and the server-state file on every
 * reload, and is what patchpanel talks to; the workers drop to the account
 * after binding and need nothing from the data directory, which stays 0700
 * root (state.json, the database, patchpanel's own TLS key).
 *
 * @module
 */
import type { CoreConfig } from "./config.ts";
import { StartupError } from "./errors.ts";

/** The account the workers run as, rendered as `user` and `group` in `global`. */
export interface RunAs {
  /** The user name (`user` directive). */
  user: string;
  /** The group name (`group` directive). */
  group: string;
}

/**
 * The account to drop to, or null to render no `user`/`group`: `auto` drops
 * only when patchpanel runs as root (`uid` 0) in embedded mode; `always`
 * drops in any mode (attach to a systemd HAProxy started as root); `never`
 * does not.
 */
export function haproxyRunAs(
  config: Pick<CoreConfig, "privileges" | "haproxy">,
  uid: number | null = Deno.uid(),
): RunAs | null {
  const p = config.privileges;
  if (p.drop === "never") return null;
  if (p.drop === "auto" && (config.haproxy.mode !== "embedded" || uid !== 0)) return null;
  return { user: p.user, group: p.group };
}

/** Whether `name` is the first field of a line of an `/etc/passwd`-style file. */
function listed(text: string, name: string): boolean {
  return text.split("\n").some((line) => line.split(":", 1)[0] === name);
}

/**
 * Refuses to start when the account is missing (HAProxy would refuse the
 * cfg with a less helpful message), naming the fix. Reads the local
 * account files; an account known only to NSS (LDAP) is looked up with
 * `getent`.
 */
export async function assertAccountExists(runAs: RunAs): Promise<void> {
  const has = async (db: "passwd" | "group", name: string) => {
    const file = await Deno.readTextFile(`/etc/${db}`).catch(() => "");
    if (listed(file, name)) return true;
    try {
      const out = await new Deno.Command("getent", { args: [db, name], stdout: "null" }).output();
      return out.success;
    } catch {
      return false;
    }
  };
  for (const [db, name] of [["passwd", runAs.user], ["group", runAs.group]] as const) {
    if (!(await has(db, name))) {
      throw new StartupError(
        "CONFIG_INVALID",
        `HAProxy's workers are to run as ${runAs.user}:${runAs.group} (privileges.*), but ` +
          `${db === "passwd" ? "user" : "group"} '${name}' does not exist; run scripts/setup ` +
          `(it creates the account), or set privileges.user/group to an existing account`,
      );
    }
  }
}

/**
 * A warning when the data directory lets other accounts in: other permission bits, or group
 * bits when its group is the workers' group (or `workersGroup` is not given): the workers'
 * account could then read state.json, the database and the TLS key. patchpanel creates it 0700;
 * scripts/install makes it 0750 with patchpanel's own group, which the workers are not in.
 */
export async function dataDirExposure(
  dataDir: string,
  workersGroup?: string,
): Promise<string | null> {
  const info = await Deno.stat(dataDir);
  const mode = info.mode;
  if (mode === null) return null;
  let groupOpen = (mode & 0o070) !== 0;
  if (groupOpen && workersGroup !== undefined && info.gid !== null) {
    const workers = await groupId(workersGroup);
    groupOpen = workers === null || workers === info.gid; // unknown: assume the worst
  }
  if ((mode & 0o007) === 0 && !groupOpen) return null;
  return `data directory ${dataDir} is mode ${(mode & 0o777).toString(8)}: other accounts ` +
    `(HAProxy's workers among them) may read state.json, the database and keys; chmod 700 it`;
}

/** A group's gid from /etc/group, or null when it is not listed there. */
async function groupId(name: string): Promise<number | null> {
  const text = await Deno.readTextFile("/etc/group").catch(() => "");
  const line = text.split("\n").find((l) => l.split(":", 1)[0] === name);
  return line ? Number(line.split(":")[2]) : null;
}
