/**
 * The console's static assets, embedded in the binary as strings (the
 * stylesheet and the esbuild-built island bundle): nothing is read from
 * disk at run time, so `deno compile` needs no `--include`. URLs carry a
 * content hash so browsers may cache them for good.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { STYLES } from "./styles.ts";
import { ISLANDS_JS } from "./generated/islands_bundle.ts";

/** An embedded asset: its bytes as text and its content type. */
export interface Asset {
  body: string;
  type: string;
  hash: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, hash: createHash("sha256").update(body).digest("hex").slice(0, 12) };
}

/** Every asset by file name. */
export const ASSETS: Record<string, Asset> = {
  "app.css": asset(STYLES, "text/css; charset=utf-8"),
  "islands.js": asset(ISLANDS_JS, "text/javascript; charset=utf-8"),
};

/** The cache-busting URL of an asset. */
export function assetUrl(name: keyof typeof ASSETS & string): string {
  return `/ui/assets/${name}?v=${ASSETS[name].hash}`;
}

/** The response for `GET /ui/assets/:name`; 404 for anything not embedded. */
export function assetResponse(name: string): Response {
  const a = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!a) {
    return new Response(JSON.stringify({ error: `no asset '${name}'` }), {
      status: 404,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  }
  return new Response(a.body, {
    headers: {
      "content-type": a.type,
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    },
  });
}
