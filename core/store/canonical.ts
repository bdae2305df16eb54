/**
 * Canonical JSON: the same value always serializes to the same text.
 *
 * Object keys are sorted (recursively), so two states that differ only in key
 * order hash alike. Snapshot ids hash this text; anything else that needs a
 * stable digest of a JSON value (an ETag, a "state unchanged" check) should
 * use it too rather than `JSON.stringify`, whose key order follows insertion.
 *
 * @module
 */

/**
 * Serialize `value` as JSON with object keys sorted at every depth. Follows
 * `JSON.stringify` otherwise: `toJSON` is honoured, `undefined` members are
 * dropped, `undefined` in arrays becomes `null`.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  }) ?? "null";
}
