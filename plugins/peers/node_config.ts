/**
 * Node-local settings: `node-config.json` in the data directory, read and
 * written through `GET|PUT /api/node-config`, never part of the state and
 * so never pushed. One kind of key today, `binds`: a map from a bind's id
 * (`<frontend id>/<index>`, as error messages name binds) to the address
 * this node listens on instead of the one the shared state names. The
 * render hook swaps the address in the rendered `bind` line, so every node
 * validates the same shared state and each listens where it must.
 *
 * @module
 */
import { z } from "zod";
import { join } from "node:path";
import type { ConfigModel } from "../../core/render/model.ts";

/** The file name, inside the data directory. */
export const NODE_CONFIG_FILE = "node-config.json";

const BindId = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\/\d{1,3}$/,
  "must be <frontend id>/<index>",
);
const Address = z.string().regex(
  /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|\*|)?:\d{1,5}$/,
  "must be an address like 127.0.0.1:8080",
);

/** The node-local settings document. */
export const NodeConfig = z.object({
  /** Per-bind address overrides for this node. */
  binds: z.record(BindId, Address).default({}),
}).strict();

/** The parsed node-local settings. */
export type NodeConfig = z.output<typeof NodeConfig>;

/** Reads and writes the node-local settings file. */
export class NodeConfigFile {
  #cached: NodeConfig;
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, NODE_CONFIG_FILE);
    this.#cached = this.#read();
  }

  #read(): NodeConfig {
    try {
      return NodeConfig.parse(JSON.parse(Deno.readTextFileSync(this.path)));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return { binds: {} };
      throw e;
    }
  }

  /** The current settings. */
  get(): NodeConfig {
    return structuredClone(this.#cached);
  }

  /** Replaces the settings, written atomically (temp file, then rename). */
  set(next: NodeConfig): void {
    const tmp = `${this.path}.tmp`;
    Deno.writeTextFileSync(tmp, JSON.stringify(next, null, 2) + "\n", { mode: 0o600 });
    Deno.renameSync(tmp, this.path);
    this.#cached = structuredClone(next);
  }

  /** The render hook: swaps the address of every overridden bind line. */
  apply(model: ConfigModel): void {
    const binds = this.#cached.binds;
    if (Object.keys(binds).length === 0) return;
    for (const section of model.sections) {
      // A backend has no binds; reading its lines would only make it print them anew.
      if (section.kind === "backend") continue;
      for (const d of section.directives) {
        if (d.keyword !== "bind" || d.entity?.kind !== "bind") continue;
        const address = binds[d.entity.id];
        if (address !== undefined) d.args[0] = address;
      }
    }
  }
}
