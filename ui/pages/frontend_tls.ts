/**
 * TLS on a frontend's binds, as form fields: which certificates a bind
 * serves (uploaded ones now, Let's Encrypt ones when that provider lands:
 * every entry of `state.tls.certs`, listed with the SNI names it answers),
 * the protocol floor and cipher profile, ALPN h2, client certificates
 * against a trusted CA with an optional CRL, and, for the frontend, the
 * HTTP→HTTPS redirect and HSTS, which the schema carries on each TLS bind.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { Checkbox, Field, Select } from "../components/form.ts";
import type { Entity, FormView, StateDoc } from "../edit_flow.ts";
import { boolField, intField, setOrDelete, shown } from "./form_values.ts";

/** What the TLS fields offer: certificates with their names, trusted CAs and CRLs. */
export interface TlsChoices {
  certs: { id: string; domains: string[] }[];
  cas: string[];
  crls: string[];
}

/** The choices of a state (empty lists when the TLS plugins are absent). */
export function tlsChoices(state: StateDoc | undefined): TlsChoices {
  const s = (state ?? {}) as {
    tls?: { certs?: { id: string; domains?: string[] }[] };
    trustedCas?: { name: string }[];
    trustedCrls?: { name: string }[];
  };
  return {
    certs: (s.tls?.certs ?? []).map((c) => ({ id: c.id, domains: c.domains ?? [] })),
    cas: (s.trustedCas ?? []).map((c) => c.name),
    crls: (s.trustedCrls ?? []).map((c) => c.name),
  };
}

/** The TLS of bind `i` from the form, or undefined when no certificate is picked. */
export function bindTlsFromForm(
  form: URLSearchParams,
  i: number,
  existing: Entity | undefined,
): Entity | undefined {
  const p = `binds.${i}.tls`;
  const certs = form.getAll(`${p}.certs`).filter(Boolean);
  if (!certs.length) return undefined;
  const tls: Entity = { ...(existing ?? {}), certs };
  if (existing?.defaultCert && !certs.includes(String(existing.defaultCert))) {
    delete tls.defaultCert;
  }
  setOrDelete(tls, "minVersion", form.get(`${p}.minVersion`) ?? "");
  setOrDelete(tls, "ciphers", form.get(`${p}.ciphers`) ?? "");
  tls.alpn = boolField(form, `${p}.h2`) ? ["h2", "http/1.1"] : ["http/1.1"];
  setOrDelete(tls, "clientCa", form.get(`${p}.clientCa`) ?? "");
  setOrDelete(tls, "verify", tls.clientCa ? form.get(`${p}.verify`) ?? "" : "");
  setOrDelete(tls, "crl", tls.clientCa ? form.get(`${p}.crl`) ?? "" : "");
  tls.redirectHttp = boolField(form, "redirectHttp");
  if (boolField(form, "hsts")) {
    tls.hsts = {
      maxAge: intField(form.get("hsts.maxAge")) ?? 31536000,
      includeSubDomains: boolField(form, "hsts.includeSubDomains"),
      preload: boolField(form, "hsts.preload"),
    };
  } else delete tls.hsts;
  return tls;
}

/** The certificate, version, cipher, ALPN and client-certificate fields of one bind. */
export function BindTlsFields(props: {
  i: number;
  tls: Entity | undefined;
  choices: TlsChoices;
  errors: FormView<Entity>["errors"];
}): VNode {
  const p = `binds.${props.i}.tls`;
  const tls = props.tls ?? {};
  const picked = new Set(((tls.certs as string[] | undefined) ?? []).map(String));
  const errors = props.errors;
  const certErrors = errors[`${p}.certs`] ?? errors[`${p}`] ?? [];
  return html`
    <details open=${props.tls ? true : undefined} class="bind-tls">
      <summary>HTTPS on this address</summary>
      ${props.choices.certs.length
        ? html`<fieldset>
          <legend>Certificates (pick one or more to serve HTTPS)</legend>
          ${
          props.choices.certs.map((c) =>
            html`<label class="check"><input type="checkbox" name=${`${p}.certs`} value=${c.id}
              checked=${picked.has(c.id)} /> ${c.id} <span class="hint">SNI: ${
              c.domains.join(", ")
            }</span></label>`
          )
        }
          ${certErrors.map((m) => html`<div class="error" role="alert">${m}</div>`)}
        </fieldset>`
        : html`<p class="muted">No certificate yet: <a href="/certificates">upload one</a>, then
          pick it here.</p>`}
      <div class="row">
        <${Select} name=${`${p}.minVersion`} label="Minimum TLS version"
          value=${shown(tls.minVersion)} errors=${errors} options=${[
            { value: "", label: "the profile's floor" },
            "TLSv1.2",
            "TLSv1.3",
            "TLSv1.1",
            "TLSv1.0",
          ]} />
        <${Select} name=${`${p}.ciphers`} label="Cipher profile" value=${shown(
          tls.ciphers ??
            "intermediate",
        )} errors=${errors} options=${["intermediate", "modern", "old"]} />
        <${Checkbox} name=${`${p}.h2`} label="HTTP/2 (ALPN h2)" errors=${errors}
          checked=${!Array.isArray(tls.alpn) || (tls.alpn as string[]).includes("h2")} />
      </div>
      <div class="row">
        <${Select} name=${`${p}.clientCa`} label="Client certificates from CA"
          value=${shown(tls.clientCa)} errors=${errors}
          options=${[{ value: "", label: "not asked for" }, ...props.choices.cas]} />
        <${Select} name=${`${p}.verify`} label="Client certificate" value=${shown(
          tls.verify ??
            "required",
        )} errors=${errors} options=${["required", "optional"]} />
        <${Select} name=${`${p}.crl`} label="Revocation list" value=${shown(tls.crl)}
          errors=${errors} options=${[{ value: "", label: "none" }, ...props.choices.crls]} />
      </div>
    </details>
  `;
}

/** The frontend-wide redirect and HSTS fields (written onto every TLS bind). */
export function RedirectFields(props: { binds: Entity[]; errors: FormView<Entity>["errors"] }) {
  const tlsOf = props.binds.map((b) => b.tls as Entity | undefined).find(Boolean);
  const hsts = tlsOf?.hsts as Entity | undefined;
  return html`
    <fieldset>
      <legend>HTTPS behaviour</legend>
      <p class="muted">Applies when an address above serves HTTPS.</p>
      <div class="row">
        <${Checkbox} name="redirectHttp" label="Redirect HTTP to HTTPS (301)"
          checked=${tlsOf?.redirectHttp === true} errors=${props.errors} />
        <${Checkbox} name="hsts" label="Send HSTS" checked=${hsts !== undefined}
          errors=${props.errors} />
        <${Field} name="hsts.maxAge" label="HSTS max-age" hint="seconds"
          value=${shown(hsts?.maxAge ?? 31536000)} errors=${props.errors} />
        <${Checkbox} name="hsts.includeSubDomains" label="includeSubDomains"
          checked=${hsts?.includeSubDomains === true} errors=${props.errors} />
        <${Checkbox} name="hsts.preload" label="preload" checked=${hsts?.preload === true}
          errors=${props.errors} />
      </div>
    </fieldset>
  `;
}
