/**
 * A state's UTF-8 bytes (what `state.json` holds), assembled from its parts
 * with the previous state's bytes reused.
 *
 * Every apply writes the whole document: at 100,000 servers 12.6 MB. Joining
 * the parts into one string and encoding it allocates that twice more and
 * costs ~15 ms of encoding, though a PATCH of one weight changes one
 * backend's text of 10,000. The bytes are instead laid out from the parts
 * (state_json.ts): a backend whose text the previous state had too is copied
 * from the previous bytes (a `memcpy`), and only the others, the head and
 * the tail are encoded. The result is byte for byte the UTF-8 of
 * `joinParts(parts) + suffix`; tests hold it to that.
 *
 * @module
 */
import type { BackendModel } from "./haproxy_schema.ts";
import type { StateJsonParts } from "./state_json.ts";

const UTF8 = new TextEncoder();

/**
 * A state's bytes with where each backend's text lies in them, so the next
 * state's bytes can copy the backends the two share.
 */
export interface StateBytes {
  /** The parts the bytes encode. */
  readonly parts: StateJsonParts;
  /** `joinParts(parts)` plus the suffix, as UTF-8. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Backend `i`'s text is `bytes[starts[i], starts[i] + lengths[i])`. */
  readonly starts: Uint32Array;
  readonly lengths: Uint32Array;
}

/** Finds a backend text of the previous layout, by position first, then by object. */
class PreviousTexts {
  #byValue: Map<BackendModel, number> | null = null;
  constructor(private prev: StateBytes) {}

  /** The index of `b` in the previous parts, with the same text; -1 if it has none. */
  indexOf(b: { value: BackendModel; text: string }, i: number): number {
    const backends = this.prev.parts.backends;
    const same = backends[i];
    // Consecutive states share their unchanged backends' text strings: `===` is a pointer test.
    if (same && same.value === b.value && same.text === b.text) return i;
    if (!this.#byValue) {
      this.#byValue = new Map();
      for (let j = 0; j < backends.length; j++) this.#byValue.set(backends[j].value, j);
    }
    const j = this.#byValue.get(b.value);
    return j !== undefined && backends[j].text === b.text ? j : -1;
  }
}

/**
 * The UTF-8 of `joinParts(parts) + suffix`, copying from `prev` every
 * backend text it holds at a known place.
 */
export function encodeParts(
  parts: StateJsonParts,
  suffix: string,
  prev: StateBytes | null,
): StateBytes {
  const n = parts.backends.length;
  const head = UTF8.encode(parts.head);
  const tail = UTF8.encode(parts.tail + suffix);
  const previous = prev ? new PreviousTexts(prev) : null;
  // Per backend: the index of its bytes in `prev`, or -1 and its own encoding in `fresh`.
  const from = new Int32Array(n);
  const fresh = new Map<number, Uint8Array>();
  const lengths = new Uint32Array(n);
  let total = head.length + tail.length + Math.max(0, n - 1);
  for (let i = 0; i < n; i++) {
    const b = parts.backends[i];
    const j = previous ? previous.indexOf(b, i) : -1;
    from[i] = j;
    if (j >= 0) {
      lengths[i] = prev!.lengths[j];
    } else {
      const own = UTF8.encode(b.text);
      fresh.set(i, own);
      lengths[i] = own.length;
    }
    total += lengths[i];
  }
  const bytes = new Uint8Array(total);
  const starts = new Uint32Array(n);
  bytes.set(head, 0);
  let at = head.length;
  for (let i = 0; i < n;) {
    if (i) bytes[at++] = 0x2c; // ","
    const j = from[i];
    if (j < 0) {
      starts[i] = at;
      bytes.set(fresh.get(i)!, at);
      at += lengths[i++];
      continue;
    }
    // A run of backends that follow each other in `prev` too is one copy, commas included.
    let k = i;
    while (k + 1 < n && from[k + 1] === from[k] + 1) k++;
    const s = prev!.starts[j];
    const e = prev!.starts[from[k]] + lengths[k];
    bytes.set(prev!.bytes.subarray(s, e), at);
    for (let m = i; m <= k; m++) starts[m] = at + prev!.starts[from[m]] - s;
    at += e - s;
    i = k + 1;
  }
  bytes.set(tail, at);
  return { parts, bytes, starts, lengths };
}
