/**
 * `patchpanel user-add` and `patchpanel user-reset`: recovery on the host,
 * for when no admin can log in. They open the data directory's database
 * directly (WAL mode lets them run beside a live daemon) and read the new
 * password from standard input, never from the command line, where other
 * users could see it in the process list.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import type { CoreConfig } from "../config.ts";
import { dataPaths } from "../paths.ts";
import { openDatabase } from "../store/db.ts";
import { AuditLog } from "../store/audit.ts";
import { passwordProblem } from "./passwords.ts";
import { isRole, ROLES } from "./roles.ts";
import { Auth } from "./service.ts";
import { usernameProblem } from "./users.ts";

/** Usage lines for the main CLI's help. */
export const USER_USAGE =
  `  user-add   USERNAME [--role admin|operator|viewer] [--config FILE] [--data-dir DIR]
             create a user; the password is read from standard input
  user-reset USERNAME [--config FILE] [--data-dir DIR]
             set a user's password (from standard input) and end their sessions`;

/** Loads config.yaml the way `serve` does. */
export type ConfigLoader = (file: string | undefined, dataDir: string | undefined) => Promise<
  CoreConfig
>;

/** Runs `user-add` or `user-reset`; returns the exit code. */
export async function userCommand(
  command: "user-add" | "user-reset",
  args: string[],
  loadConfig: ConfigLoader,
  input: () => Promise<string> = readPassword,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: "string", default: "admin" },
      config: { type: "string" },
      "data-dir": { type: "string" },
    },
  });
  const username = positionals[0];
  if (!username || positionals.length > 1) {
    console.error(`usage:\n${USER_USAGE}`);
    return 2;
  }
  const role = values.role;
  if (!isRole(role)) {
    console.error(`patchpanel: --role must be one of ${ROLES.join(", ")}`);
    return 2;
  }
  const nameProblem = usernameProblem(username);
  if (nameProblem) {
    console.error(`patchpanel: ${nameProblem}`);
    return 2;
  }
  const config = await loadConfig(values.config, values["data-dir"]);
  const dataDir = resolve(values["data-dir"] ?? config.dataDir);
  const password = await input();
  const problem = passwordProblem(password);
  if (problem) {
    console.error(`patchpanel: ${problem}`);
    return 1;
  }
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(dataPaths(dataDir).database);
  try {
    const auth = new Auth(db, config);
    const audit = new AuditLog(db);
    const hash = await auth.hash(password);
    if (command === "user-add") {
      const created = auth.users.create(username, hash, role);
      if (!created.ok) {
        console.error(`patchpanel: user '${username}' already exists (use user-reset)`);
        return 1;
      }
      audit.record({
        actor: "system",
        category: "auth",
        action: "user-create",
        target: username,
        details: { via: "cli", role },
        outcome: "success",
      });
      console.log(`created ${role} '${username}'`);
      return 0;
    }
    const changed = auth.users.setPassword(username, hash);
    if (!changed.ok) {
      console.error(`patchpanel: no user '${username}'`);
      return 1;
    }
    const ended = auth.forgetUser(username);
    audit.record({
      actor: "system",
      category: "auth",
      action: "user-password-reset",
      target: username,
      details: { via: "cli", endedSessions: ended },
      outcome: "success",
    });
    console.log(`password of '${username}' reset; ${ended} session(s) ended`);
    return 0;
  } finally {
    db.close();
  }
}

/** Reads one line from standard input; on a terminal, prompts without echo. */
async function readPassword(): Promise<string> {
  if (Deno.stdin.isTerminal()) {
    await Deno.stdout.write(new TextEncoder().encode("password: "));
    Deno.stdin.setRaw(true);
    try {
      return await readLine();
    } finally {
      Deno.stdin.setRaw(false);
      await Deno.stdout.write(new TextEncoder().encode("\n"));
    }
  }
  return await readLine();
}

async function readLine(): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const buf = new Uint8Array(256);
  while (true) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    text += decoder.decode(buf.subarray(0, n), { stream: true });
    // Enter ends the line; so does Ctrl-D on a raw terminal.
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "\r" || text[i] === "\n" || text[i] === "\u0004") return text.slice(0, i);
    }
  }
  return text;
}
