/**
 * A strict parser for the Prometheus text exposition format (0.0.4), used
 * to prove that `/metrics` is what a scraper accepts. Stricter than
 * Prometheus itself where that catches our mistakes: every family needs
 * `# HELP` and `# TYPE` before its samples, samples of a family are
 * contiguous, no series appears twice, histograms have monotonic buckets
 * ending in `le="+Inf"` equal to `_count`.
 *
 * @module
 */

/** One sample line. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family. */
export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses exposition text; throws an Error naming the line on any violation. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text.length > 0 && !text.endsWith("\n")) throw new Error("text must end with a newline");
  const families = new Map<string, PromFamily>();
  const seenSeries = new Set<string>();
  let current: PromFamily | null = null;
  const lines = text.split("\n").slice(0, -1);
  lines.forEach((line, i) => {
    const fail = (msg: string): never => {
      throw new Error(`line ${i + 1}: ${msg}: ${line}`);
    };
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m;
      if (!NAME.test(name)) fail("bad metric name");
      let f = families.get(name);
      if (f && f !== current) fail("family declared twice or not contiguous");
      if (!f) {
        f = { name, type: "", help: "", samples: [] };
        families.set(name, f);
        current = f;
      }
      if (f.samples.length) fail(`${kind} after samples`);
      if (kind === "TYPE") {
        if (f.type) fail("TYPE given twice");
        if (!TYPES.has(rest)) fail("unknown type");
        f.type = rest;
      } else {
        if (f.help) fail("HELP given twice");
        f.help = rest;
      }
      return;
    }
    if (line.trim() === "") fail("blank line");
    const sample = parseSample(line, fail);
    const family = current;
    if (!family) return fail("sample before any # TYPE");
    if (!family.type || !family.help) fail("family lacks # HELP or # TYPE");
    const allowed = family.type === "histogram"
      ? [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`]
      : family.type === "summary"
      ? [family.name, `${family.name}_sum`, `${family.name}_count`]
      : [family.name];
    if (!allowed.includes(sample.name)) fail(`sample does not belong to family ${family.name}`);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSeries.has(key)) fail("duplicate series");
    seenSeries.add(key);
    family.samples.push(sample);
  });
  for (const f of families.values()) {
    if (!f.type || !f.help) throw new Error(`family ${f.name} lacks # HELP or # TYPE`);
    if (f.type === "counter" && f.samples.some((s) => s.value < 0)) {
      throw new Error(`counter ${f.name} has a negative value`);
    }
    if (f.type === "histogram") checkHistogram(f);
  }
  return families;
}

function parseSample(line: string, fail: (msg: string) => never): PromSample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!m) return fail("malformed sample");
  const labels: Record<string, string> = {};
  if (m[2]) {
    let rest = m[2].slice(1, -1);
    while (rest.length) {
      const lm = /^([^=]+)="((?:[^"\\]|\\[\\"n])*)"(,|$)/.exec(rest);
      if (!lm) return fail("malformed labels");
      if (!LABEL.test(lm[1])) fail(`bad label name ${lm[1]}`);
      if (lm[1] in labels) fail(`label ${lm[1]} given twice`);
      labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
      rest = rest.slice(lm[0].length);
      if (lm[3] === "," && rest === "") fail("trailing comma in labels");
    }
  }
  const raw = m[3];
  const value = raw === "+Inf"
    ? Infinity
    : raw === "-Inf"
    ? -Infinity
    : raw === "NaN"
    ? NaN
    : Number(raw);
  if (!/^(NaN|[+-]Inf|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(raw)) fail("malformed value");
  return { name: m[1], labels, value };
}

function checkHistogram(f: PromFamily): void {
  const groups = new Map<string, { le: number; v: number }[]>();
  const counts = new Map<string, number>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${f.name}: bucket without le`);
      const list = groups.get(key) ?? [];
      list.push({ le: le === "+Inf" ? Infinity : Number(le), v: s.value });
      groups.set(key, list);
    } else if (s.name.endsWith("_count")) counts.set(key, s.value);
  }
  for (const [key, buckets] of groups) {
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i].le <= buckets[i - 1].le || buckets[i].v < buckets[i - 1].v) {
        throw new Error(`${f.name}: buckets not increasing`);
      }
    }
    const last = buckets[buckets.length - 1];
    if (last.le !== Infinity) throw new Error(`${f.name}: no +Inf bucket`);
    if (counts.get(key) !== last.v) throw new Error(`${f.name}: _count differs from +Inf bucket`);
  }
}
