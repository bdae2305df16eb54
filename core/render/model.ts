/**
 * The typed config model between the state and the printed `haproxy.cfg`.
 *
 * Every section and directive carries the state entity it came from, so the
 * printer can map each output line back to an entity, and `haproxy -c`
 * errors become hints that name what the operator wrote. Plugins add to the
 * model through {@link ConfigModel}'s methods; the core owns section order.
 *
 * @module
 */

/** The state entity a line came from, e.g. `{kind: "backend", id: "web-pool"}`. */
export interface Entity {
  /** The entity's kind as the state names it (`backend`, `frontend`, `acl`, …). */
  kind: string;
  /** The entity's name within its kind. */
  id: string;
}

/** One config line: a keyword and its arguments, printed space-separated. */
export interface Directive {
  /** The directive's keyword, e.g. `server` or `http-request`. */
  keyword: string;
  /** The arguments, printed as given: quoting is the caller's. */
  args: string[];
  /** The entity the line belongs to, so HAProxy's errors map back to the state. */
  entity?: Entity;
}

/** Section kinds, in the order the core prints them. */
export const SECTION_ORDER = [
  "global",
  "defaults",
  "ring",
  "resolvers",
  "peers",
  "userlist",
  "cache",
  "http-errors",
  "program",
  "listen",
  "frontend",
  "backend",
] as const;

/** A section kind HAProxy knows. */
export type SectionKind = typeof SECTION_ORDER[number];

/** One config section: its header (`backend web-pool`) and its directives. */
export interface Section {
  /** Which kind of section; decides where it prints. */
  kind: SectionKind;
  /** The section's name (`web-pool`); omitted where HAProxy takes none, as for `global`. */
  name?: string;
  /** The entity the section stands for, so errors in its header map back to it. */
  entity?: Entity;
  /** The section's lines, in print order; hooks may append or insert. */
  directives: Directive[];
}

/**
 * A file the config refers to (a crt-list, an ACL file, a Lua script) that
 * the apply pipeline writes beside the cfg, transactionally with it.
 */
export interface GeneratedFile {
  /** Absolute path the pipeline writes the file to. */
  path: string;
  /** The file's full content. */
  content: string;
  /** File mode; secrets use 0o600. Defaults to 0o644. */
  mode?: number;
}

/** A non-fatal observation made while rendering, returned as `warnings[]`. */
export interface RenderWarning {
  /** The entity the warning is about. */
  entity: Entity;
  /** What is wrong, in one sentence for the operator. */
  message: string;
}

/**
 * Named places inside a proxy section where a plugin's lines go, in the
 * order HAProxy evaluates a section's rules:
 *
 * - `after-binds`: right after the section's last `bind` (bind-level options, `tcp-request
 *   connection` rules that must run before any other);
 * - `before-rules`: before the first `http-request`, `http-response`, `use_backend` or
 *   `default_backend` (a redirect or header every later rule sees, as tls's HTTPS redirect);
 * - `before-routing`: after the section's rules, before its first `use_backend`,
 *   `default_backend` or `use-server` (a rule that must see the rewritten request);
 * - `end`: after everything.
 *
 * Each slot falls back to the next when its anchor is missing, so lines always land in the
 * section; several inserts at one slot keep their call order.
 */
export type SectionSlot = "after-binds" | "before-rules" | "before-routing" | "end";

const RULES = new Set(["http-request", "http-response", "use_backend", "default_backend"]);
const ROUTING = new Set(["use_backend", "default_backend", "use-server"]);

/** The index a slot stands for in `directives` (see {@link SectionSlot}). */
function slotIndex(directives: Directive[], slot: SectionSlot): number {
  const first = (keys: Set<string>) => {
    const i = directives.findIndex((d) => keys.has(d.keyword));
    return i < 0 ? directives.length : i;
  };
  switch (slot) {
    case "after-binds": {
      const last = directives.findLastIndex((d) => d.keyword === "bind");
      return last < 0 ? first(RULES) : last + 1;
    }
    case "before-rules":
      return first(RULES);
    case "before-routing":
      return first(ROUTING);
    case "end":
      return directives.length;
  }
}

/**
 * Lines rendered before, kept as printed text: what a section made with
 * {@link ConfigModel.addPrinted} prints while nobody has read its
 * `directives`. Only the text is kept; the lines themselves are made again
 * by `lines` when something needs them (a hook reads the section, a failed
 * check maps its output to entities), so a remembered backend costs its
 * text, not a directive object per server.
 */
export interface PrintedBody {
  /** The lines as rendered, before any hook: fresh objects on every call. */
  readonly lines: () => Directive[];
  /** The printed lines (indented, newline-terminated), once printed. */
  text?: string;
  /** `kind\0id` of every entity the lines carry, once an entity was looked up. */
  entities?: ReadonlySet<string>;
}

/** A body's printed text, made (one flat string) and kept on first use. */
export function bodyText(body: PrintedBody): string {
  // Joined, not concatenated: a flat string, not a rope of every piece kept for good.
  body.text ??= body.lines().map(printedLine).join("");
  return body.text;
}

/** One directive as printed: indented, space-separated, newline-terminated. */
export function printedLine(dir: Directive): string {
  let line = "    " + dir.keyword;
  for (let i = 0; i < dir.args.length; i++) line += " " + dir.args[i];
  return line + "\n";
}

/**
 * A section made by {@link ConfigModel.addPrinted}: its `directives` are
 * made by its body on first read (a getter on the class, so
 * 10,000 of them cost no closures), and until then it prints their text.
 */
class PrintedSection implements Section {
  #own: Directive[] | null = null;
  constructor(
    public kind: SectionKind,
    public name: string | undefined,
    public entity: Entity | undefined,
    readonly body: PrintedBody,
  ) {}

  get directives(): Directive[] {
    this.#own ??= this.body.lines();
    return this.#own;
  }

  set directives(lines: Directive[]) {
    this.#own = lines;
  }

  /** Whether nobody has read (or replaced) the lines yet. */
  get unread(): boolean {
    return this.#own === null;
  }
}

/** The remembered text of a section nobody has read the directives of, else null. */
export function unreadBody(section: Section): PrintedBody | null {
  return section instanceof PrintedSection && section.unread ? section.body : null;
}

/** The `kind\0id` key of an entity, as {@link PrintedBody.entities} holds it. */
function entityKey(entity: Entity): string {
  return `${entity.kind}\0${entity.id}`;
}

/**
 * The mutable model render hooks build. Sections keep insertion order within
 * their kind; kinds print in {@link SECTION_ORDER}.
 */
export class ConfigModel {
  /** Every section added so far, in insertion order. */
  readonly sections: Section[] = [];
  /** Files to write beside the cfg, in the same transaction. */
  readonly files: GeneratedFile[] = [];
  /** Non-fatal observations, returned with the apply result. */
  readonly warnings: RenderWarning[] = [];
  /** Per section, the last line inserted at each slot (so later inserts follow it). */
  readonly #placed = new WeakMap<Section, Map<SectionSlot, Directive>>();
  /**
   * The first section added under each kind and name ("" for none), checked before use:
   * names may change. By kind, then name: no key string is built per section (10,000
   * backends), and a name's hash is the one its string already holds.
   */
  readonly #byName = new Map<SectionKind, Map<string, Section>>();

  /** Adds a section and returns it, so callers can keep appending to it. */
  add(section: Section): Section {
    this.sections.push(section);
    let named = this.#byName.get(section.kind);
    if (!named) this.#byName.set(section.kind, named = new Map());
    const name = section.name ?? "";
    if (!named.has(name)) named.set(name, section);
    return section;
  }

  /**
   * Adds a section whose lines were rendered before (a backend the previous
   * apply rendered from the same frozen value): it prints `body`'s text
   * until something reads its `directives`, which then become the section's
   * own lines (made by `body.lines`), mutable as any section's. A render of
   * 100,000 servers where one changed builds and prints one backend's lines.
   */
  addPrinted(header: Omit<Section, "directives">, body: PrintedBody): Section {
    return this.add(new PrintedSection(header.kind, header.name, header.entity, body));
  }

  /** The first section of a kind (and name), if any. */
  section(kind: SectionKind, name?: string): Section | undefined {
    if (name !== undefined) {
      const known = this.#byName.get(kind)?.get(name);
      // Still in the model and still so named (a hook may have renamed or removed it).
      if (known?.kind === kind && known.name === name && this.sections.includes(known)) {
        return known;
      }
    }
    return this.sections.find((s) => s.kind === kind && (name === undefined || s.name === name));
  }

  /** Every directive produced for an entity, for plugins that extend lines (a bind's TLS args). */
  directivesOf(entity: Entity): Directive[] {
    const out: Directive[] = [];
    const key = entityKey(entity);
    for (const s of this.sections) {
      const body = unreadBody(s);
      if (body) {
        body.entities ??= new Set(body.lines().map((l) => entityKey(l.entity ?? s.entity!)));
        if (!body.entities.has(key)) continue;
      }
      for (const d of s.directives) {
        if (d.entity?.kind === entity.kind && d.entity.id === entity.id) out.push(d);
      }
    }
    return out;
  }

  /**
   * Inserts `lines` into `section` at a named slot (see {@link SectionSlot}): the way a
   * plugin places its lines without knowing how the core orders a section. Lines already
   * inserted at the same slot stay before them.
   */
  insert(section: Section, slot: SectionSlot, lines: Directive[]): void {
    if (lines.length === 0) return;
    const placed = this.#placed.get(section) ?? new Map<SectionSlot, Directive>();
    this.#placed.set(section, placed);
    let at = slotIndex(section.directives, slot);
    // After what earlier inserts put at this slot, so several plugins keep their call order.
    const last = placed.get(slot);
    const after = last ? section.directives.indexOf(last) : -1;
    if (after >= at) at = after + 1;
    section.directives.splice(at, 0, ...lines);
    placed.set(slot, lines[lines.length - 1]);
  }

  /** Registers a generated file; a second file with the same path replaces the first. */
  file(file: GeneratedFile): void {
    const i = this.files.findIndex((f) => f.path === file.path);
    if (i >= 0) this.files[i] = file;
    else this.files.push(file);
  }

  /** Records a warning for the apply response. */
  warn(entity: Entity, message: string): void {
    this.warnings.push({ entity, message });
  }
}

/** Shorthand for a directive. */
export function d(keyword: string, args: (string | number)[] = [], entity?: Entity): Directive {
  return { keyword, args: args.map(String), entity };
}
