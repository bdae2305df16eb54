/**
 * The command line as the binary runs it: `core/cli.ts` with the web
 * console added to `serve`.
 *
 * @module
 */
import type { Plugin } from "../core/plugin.ts";
import { runCli as runCoreCli } from "../core/cli.ts";
import { consolePart } from "./console.ts";

/** Runs one CLI invocation with the console; returns the exit code. */
export function runCli(args: string[], plugins: Plugin[]): Promise<number> {
  return runCoreCli(args, plugins, [consolePart()]);
}
