/**
 * The console's system page (admins): how patchpanel controls HAProxy
 * (`GET /api/haproxy/control-strategy`), reload / stop / start buttons
 * (plain forms posting to this page, which calls the same REST routes;
 * stopping asks for confirmation first), what TLS HAProxy can speak
 * (`GET /api/haproxy/ssl-capabilities`) and the host's addresses
 * (`GET /api/system/interfaces`). Works without JavaScript.
 *
 * @module
 */
import type { PageDefinition } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { Table } from "../components/table.ts";
import { ErrorBox } from "../components/errors.ts";
import { Form } from "../components/form.ts";
import { ConfirmPage, isConfirmed } from "../components/confirm.ts";
import { redirect } from "../respond.ts";
import { describeError } from "../components/errors.ts";

interface Control {
  mode: string;
  masterSocket: string;
  systemdUnit: string | null;
  running: boolean;
  pid: number | null;
  version: string | null;
  uptime: string | null;
  reloads: number | null;
  workers: number[];
}

interface Ssl {
  version: string | null;
  openssl: { built: string | null; running: string | null };
  tlsVersions: string[];
  ciphers: { tls13: string[]; tls12: string[] };
  curves: string[];
}

interface Address {
  name: string;
  family: string;
  address: string;
  prefix: number;
  loopback: boolean;
}

const OPS = ["reload", "stop", "start"] as const;
type Op = typeof OPS[number];

function Row(props: { label: string; value: unknown }): VNode {
  return html`
    <tr>
      <th scope="row">${props.label}</th>
      <td>${String(props.value ?? "—")}</td>
    </tr>
  `;
}

function button(op: Op, label: string, cls = ""): VNode {
  return html`
    <${Form} action="/system" class="inline">
      <input type="hidden" name="op" value=${op} />
      <button type="submit" class=${cls}>${label}</button>
      </${Form}>
  `;
}

/** The `/system` page. */
export function systemPages(): PageDefinition[] {
  return [{
    path: "/system",
    title: "System",
    role: "admin",
    nav: { group: "System", order: 10 },
    async render(ctx) {
      const [control, ssl, nics] = await Promise.all([
        ctx.api<Control>("GET", "/api/haproxy/control-strategy"),
        ctx.api<Ssl>("GET", "/api/haproxy/ssl-capabilities"),
        ctx.api<{ interfaces: Address[] }>("GET", "/api/system/interfaces"),
      ]);
      const c = control.body;
      const s = ssl.body;
      return html`
        <section class="panel" aria-labelledby="control-h">
          <h2 id="control-h">HAProxy process</h2>
          ${control.ok
            ? html`
              <table>
                <tbody>
                              <${Row} label="Control" value=${c.mode} />
                              <${Row} label="Running" value=${c.running ? "yes" : "no"} />
                              <${Row} label="Master socket" value=${c.masterSocket} />
                              ${c.systemdUnit
                                ? html`<${Row} label="systemd unit" value=${c.systemdUnit} />`
                                : null}
                              <${Row} label="Master pid" value=${c.pid} />
                              <${Row} label="Workers" value=${c.workers.join(", ")} />
                              <${Row} label="Version" value=${c.version} />
                              <${Row} label="Uptime" value=${c.uptime} />
                              <${Row} label="Reloads" value=${c.reloads} />
                            </tbody>
              </table>
                            <div class="actions">
                              ${button("reload", "Reload")}
                              ${c.mode === "embedded"
                                ? button("stop", "Stop HAProxy", "danger")
                                : null}
                              ${c.mode === "embedded" ? button("start", "Start HAProxy") : null}
                            </div>
                            ${c.mode === "attach"
                              ? html`<p class="muted">Attach mode: systemd (${c.systemdUnit}) starts and stops
                  HAProxy; patchpanel only reloads it.</p>`
                              : null}
            `
            : html`<${ErrorBox} reply=${control} />`}
        </section>
        <section class="panel" aria-labelledby="ssl-h">
          <h2 id="ssl-h">TLS capabilities</h2>
          ${ssl.ok
            ? html`
              <table>
                <tbody>
                  <${Row} label="OpenSSL (running)" value=${s.openssl.running} />
                  <${Row} label="OpenSSL (built with)" value=${s.openssl.built} />
                  <${Row} label="TLS versions" value=${s.tlsVersions.join(", ")} />
                  <${Row} label="Curves" value=${s.curves.join(", ")} />
                  <${Row} label="TLS 1.3 ciphers" value=${s.ciphers.tls13.join(", ")} />
                  <${Row} label="TLS ≤1.2 ciphers" value=${`${s.ciphers.tls12.length} suites`} />
                </tbody>
              </table>
            `
            : html`<${ErrorBox} reply=${ssl} />`}
        </section>
        <section class="panel" aria-labelledby="nic-h">
          <h2 id="nic-h">Network interfaces</h2>
          ${nics.ok
            ? html`<${Table} id="interfaces" rows=${nics.body.interfaces} columns=${[
              { label: "Interface", cell: (a: Address) => a.name },
              { label: "Family", cell: (a: Address) => a.family },
              { label: "Address", cell: (a: Address) => `${a.address}/${a.prefix}` },
              { label: "Loopback", cell: (a: Address) => (a.loopback ? "yes" : "") },
            ]} />`
            : html`<${ErrorBox} reply=${nics} />`}
        </section>
      `;
    },
    async action(ctx) {
      const op = ctx.form?.get("op") as Op | null;
      if (!op || !OPS.includes(op)) {
        return redirect("/system", { kind: "bad", message: "unknown action" });
      }
      if (op === "stop" && !isConfirmed(ctx.form)) {
        return html`
          <${ConfirmPage} question="Stop HAProxy?" danger=${true} cancel="/system"
            action="/system" fields=${{ op: "stop" }}
            detail=${html`<p>Every frontend stops serving until HAProxy is started again.</p>`} />
        `;
      }
      const reply = await ctx.api("POST", `/api/haproxy/${op}`, {});
      return redirect(
        "/system",
        reply.ok
          ? { kind: "ok", message: `HAProxy: ${op} done` }
          : { kind: "bad", message: `HAProxy ${op} failed: ${describeError(reply)}` },
      );
    },
  }];
}
