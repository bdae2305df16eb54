/**
 * State → config model → printed cfg, with the plugins' render hooks run
 * after the core's, in plugin registration order (each hook places its
 * output by section kind, never relative to another plugin).
 *
 * @module
 */
import type { State } from "../state/schema.ts";
import type { RenderHook } from "../plugin.ts";
import { ConfigModel, type Entity, type GeneratedFile, type RenderWarning } from "./model.ts";
import { type RenderContext, renderCore } from "./haproxy.ts";
import { printConfig } from "./print.ts";

/** A complete render: the cfg text, its line map, the files it refers to, warnings. */
export interface Rendered {
  text: string;
  /** Each line's entity, built on first read (print.ts). */
  readonly lines: (Entity | null)[];
  files: GeneratedFile[];
  warnings: RenderWarning[];
}

/** Renders a validated state. Pure: same state and context, same bytes. */
export function renderState(state: State, ctx: RenderContext, hooks: RenderHook[] = []): Rendered {
  const model = new ConfigModel();
  renderCore(model, state, ctx);
  for (const hook of hooks) hook(model, state, ctx);
  const printed = printConfig(model);
  return {
    text: printed.text,
    // Not spread: that would build the line map every render (print.ts).
    get lines() {
      return printed.lines;
    },
    files: model.files,
    warnings: model.warnings,
  };
}
