/**
 * Parsers for HAProxy's runtime API answers: `show info` (one `Key: value`
 * per line) and `show stat` (CSV with a `# pxname,svname,...` header).
 *
 * `show stat` is parsed into a {@link StatTable}: the header once, then each
 * row kept as its line of text, cut into fields only when a reader
 * asks for one of its columns, read through typed accessors. At 1,000
 * servers sampled every second this avoids building 100-key objects that
 * nobody reads; {@link StatTable.toRows} builds the JSON rows only when an
 * API caller asks for them.
 *
 * @module
 */

/** `show info` as key → number (when numeric) or string. */
export type Info = Record<string, string | number>;

/** What a `show stat` row describes (its `type` column: 0, 1, 2, 3). */
export type RowKind = "frontend" | "backend" | "server" | "listener";

const KINDS: RowKind[] = ["frontend", "backend", "server", "listener"];

/**
 * One `show stat` row as the API returns it: HAProxy's column names, numbers
 * parsed, except `type`, which carries the word (`frontend`, `backend`,
 * `server`, `listener`) rather than HAProxy's 0-3, because that is what the
 * REST contract's recipes compare it with (`row.get("type") == "backend"`).
 * `kind` is the same word under the name the rest of the API uses.
 */
export interface StatRow {
  pxname: string;
  svname: string;
  type: RowKind;
  kind: RowKind;
  [column: string]: string | number | null;
}

/** Why an answer could not be parsed. */
export interface ParseError {
  kind: "parse";
  message: string;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Parses `show info`; lines without a colon are skipped. */
export function parseInfo(text: string): Info {
  const info: Info = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    info[key] = NUMERIC.test(value) ? Number(value) : value;
  }
  return info;
}

/**
 * A `show stat` field as a number, or null when empty or not a number: the
 * one reading of a field for the table's accessors and for readers that
 * hold a row's split fields (the Prometheus exposition).
 */
export function fieldNumber(v: string): number | null {
  if (v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

declare const statLine: unique symbol;

/**
 * One `show stat` row: a handle its table's accessors read, so a reader
 * cannot index the row's text by mistake and get a character for a field.
 */
export type StatLine = number & { readonly [statLine]: true };

/**
 * The parsed `show stat` CSV: a header and one line per row, split on demand.
 *
 * The latest sample is held for the whole sampling interval, and at 100,000
 * servers an array of ~100 field strings per row was about 150 MB of the
 * daemon's heap, more than the rest of it. A line costs a few bytes beside
 * the answer's text it slices. Readers walk the rows one at a time and take
 * a few of a row's columns, so the table remembers where the last row read
 * cuts into fields and slices only the fields asked for.
 */
export class StatTable {
  readonly columns: string[];
  readonly rows: readonly StatLine[];
  #lines: string[];
  #index: Map<string, number>;
  /** The row {@link raw} last read, and where each of its fields starts. */
  #cutLine = -1;
  #cuts: Int32Array;
  #cutCount = 0;
  /** Whether the last start found is the line's end (no field starts there). */
  #cutAll = false;
  /** That row's fields, when it holds a quote and had to be unquoted. */
  #quoted: string[] | null = null;

  /** Takes ownership of the parsed header and row lines. */
  constructor(columns: string[], lines: string[]) {
    this.columns = columns;
    this.#lines = lines;
    this.rows = lines.map((_, i) => i as StatLine);
    this.#index = new Map(columns.map((c, i) => [c, i]));
    this.#cuts = new Int32Array(columns.length + 2);
  }

  /** The column's position, or -1 when this HAProxy version has no such column. */
  col(name: string): number {
    return this.#index.get(name) ?? -1;
  }

  /** A row's fields, unquoted, as a new array (for a reader that keeps or walks them all). */
  fields(row: StatLine): string[] {
    return splitCsv(this.#lines[row] ?? "");
  }

  /** The row's proxy (`pxname`, the first column: {@link parseStat} checks the header). */
  proxy(row: StatLine): string {
    return this.raw(row, 0);
  }

  /** The row's server or `FRONTEND`/`BACKEND` (`svname`, the second column). */
  server(row: StatLine): string {
    return this.raw(row, 1);
  }

  /** A row's raw value ("" when empty or absent). */
  raw(row: StatLine, col: number): string {
    if (col < 0) return "";
    const line = this.#lines[row] ?? "";
    if (row !== this.#cutLine) this.#startCutting(row, line);
    if (this.#quoted) return this.#quoted[col] ?? "";
    if (col + 1 >= this.#cutCount && !this.#cutAll) this.#cutTo(line, col + 1);
    if (col >= this.#cutCount - (this.#cutAll ? 1 : 0)) return "";
    return line.slice(this.#cuts[col], this.#cuts[col + 1] - 1);
  }

  /**
   * Starts reading a row: readers take a handful of its ~100 columns, mostly
   * from the first third, so the row is cut into fields only as far as the
   * columns asked for, and no string is built for a field nobody reads (at
   * 100,000 servers, a string per field was most of a sample's cost).
   */
  #startCutting(row: StatLine, line: string): void {
    this.#cutLine = row;
    this.#quoted = line.includes('"') ? splitCsv(line) : null;
    this.#cuts[0] = 0;
    this.#cutCount = 1;
    this.#cutAll = false;
  }

  /** Finds field starts up to index `upTo` (or the line's end, marked by a start past it). */
  #cutTo(line: string, upTo: number): void {
    const cuts = this.#cuts;
    let n = this.#cutCount;
    const last = Math.min(upTo, cuts.length - 1);
    while (n <= last) {
      const comma = line.indexOf(",", cuts[n - 1]);
      if (comma === -1) {
        cuts[n++] = line.length + 1;
        this.#cutAll = true;
        break;
      }
      cuts[n++] = comma + 1;
    }
    this.#cutCount = n;
  }

  /** A row's numeric value, or null when empty or not a number. */
  num(row: StatLine, col: number): number | null {
    return fieldNumber(this.raw(row, col));
  }

  /** The row's kind from the `type` column. */
  kind(row: StatLine): RowKind {
    return KINDS[Number(this.raw(row, this.col("type")))] ?? "server";
  }

  /** Rows as JSON objects keyed by HAProxy's column names (empty → null; `type` as a word). */
  toRows(): StatRow[] {
    const typeCol = this.col("type");
    return this.rows.map((line) => {
      const row = this.fields(line);
      const out: Record<string, string | number | null> = {};
      this.columns.forEach((c, i) => {
        if (c === "" || c === "-") return;
        const v = row[i] ?? "";
        out[c] = v === "" ? null : NUMERIC.test(v) ? Number(v) : v;
      });
      const kind = KINDS[Number(row[typeCol])] ?? "server";
      out.type = kind;
      out.kind = kind;
      return out as StatRow;
    });
  }
}

/**
 * Parses `show stat` CSV. Fields are split on commas; a field HAProxy quoted
 * (one holding a comma or quote) is unquoted. The header must come first.
 */
export function parseStat(text: string): StatTable | ParseError {
  const lines = text.split("\n");
  const first = lines[0] ?? "";
  if (!first.startsWith("# ")) {
    return { kind: "parse", message: "show stat: missing '# pxname,...' header" };
  }
  const columns = splitCsv(first.slice(2));
  if (columns[0] !== "pxname" || columns[1] !== "svname") {
    return { kind: "parse", message: "show stat: header does not start with pxname,svname" };
  }
  const rows: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "" || line.startsWith("#")) continue;
    rows.push(line);
  }
  return new StatTable(columns, rows);
}

function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      out.push(value);
      i++; // the comma
    } else {
      const end = line.indexOf(",", i);
      const stop = end === -1 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}
