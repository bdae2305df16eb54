/**
 * The state checksum two nodes compare: SHA-256 over the state with object
 * keys sorted, so the same document hashes the same whatever order its
 * keys were written or parsed in.
 *
 * @module
 */
import { createHash } from "node:crypto";

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      out[k] = canonical((v as Record<string, unknown>)[k]);
    }
    return out;
  }
  return v;
}

/** The hex SHA-256 of a state's canonical JSON. */
export function stateChecksum(state: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(state))).digest("hex");
}
