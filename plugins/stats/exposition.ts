/**
 * A writer for the Prometheus text exposition format (version 0.0.4): one
 * `# HELP` and `# TYPE` per family, its samples contiguous, label values
 * escaped, numbers printed the way Prometheus reads them.
 *
 * @module
 */

/** Metric family types this daemon exposes. */
export type MetricType = "counter" | "gauge" | "histogram";

/** Label name → value. */
export type Labels = Record<string, string>;

/** The content type scrapers expect. */
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Accumulates families and prints them in the order they were opened. */
export class Exposition {
  #families = new Map<string, { help: string; type: MetricType; lines: string[] }>();

  /** Adds one sample; the family's help and type come from its first sample. */
  add(name: string, type: MetricType, help: string, labels: Labels, value: number): void {
    this.#family(name, type, help).lines.push(
      `${name}${formatLabels(labels)} ${formatValue(value)}`,
    );
  }

  /** Adds a histogram's `_bucket`, `_sum` and `_count` samples. */
  histogram(
    name: string,
    help: string,
    labels: Labels,
    h: { bounds: number[]; counts: number[]; sum: number; count: number },
  ): void {
    const lines = this.#family(name, "histogram", help).lines;
    let cumulative = 0;
    h.bounds.forEach((le, i) => {
      cumulative += h.counts[i];
      lines.push(`${name}_bucket${formatLabels({ ...labels, le: formatValue(le) })} ${cumulative}`);
    });
    lines.push(`${name}_bucket${formatLabels({ ...labels, le: "+Inf" })} ${h.count}`);
    lines.push(`${name}_sum${formatLabels(labels)} ${formatValue(h.sum)}`);
    lines.push(`${name}_count${formatLabels(labels)} ${h.count}`);
  }

  /** The whole text, ending with a newline. */
  text(): string {
    const out: string[] = [];
    for (const [name, f] of this.#families) {
      out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`, ...f.lines);
    }
    return out.join("\n") + "\n";
  }

  #family(name: string, type: MetricType, help: string) {
    let f = this.#families.get(name);
    if (!f) {
      f = { help, type, lines: [] };
      this.#families.set(name, f);
    }
    return f;
  }
}

/** `{a="x",b="y"}`, or "" without labels. */
export function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** A number as Prometheus writes it (`NaN`, `+Inf`, `-Inf` spelled out). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
