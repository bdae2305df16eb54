/**
 * Which parts of the state use an uploaded certificate. The `tls` key
 * belongs to the tls plugin, which this plugin does not import, so it reads
 * the state through its own narrow view of that key.
 *
 * @module
 */
import { z } from "zod";
import type { State } from "../../core/state/schema.ts";

const TlsView = z.object({
  tls: z.object({
    providers: z.array(z.object({ id: z.string(), kind: z.string() })),
    certs: z.array(z.object({ id: z.string(), providerId: z.string(), name: z.string() })),
  }),
});

/** Ids of the state certificates whose files are the upload `name`. */
export function certIdsFor(state: State, name: string): string[] {
  const view = TlsView.safeParse(state);
  if (!view.success) return [];
  const byo = new Set(view.data.tls.providers.filter((p) => p.kind === "byo").map((p) => p.id));
  return view.data.tls.certs
    .filter((c) => c.name === name && byo.has(c.providerId))
    .map((c) => c.id);
}

/** Bind ids (`<frontend>/<index>`) serving any of the certificate ids. */
export function bindsServing(state: State, certIds: string[]): string[] {
  const ids = new Set(certIds);
  const out: string[] = [];
  for (const fe of state.haproxy.frontends) {
    fe.binds.forEach((b, i) => {
      if (b.tls?.certs.some((c) => ids.has(c))) out.push(`${fe.id}/${i}`);
    });
  }
  return out;
}
