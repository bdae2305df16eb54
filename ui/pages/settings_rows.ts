/**
 * The row editors of the global form: log targets (`global.logs.N.*`) and
 * stats sockets (`global.statsSockets.N.*`). Every existing row plus one
 * blank row; a row is removed with its "Remove" tick, and a blank row left
 * blank adds nothing. New rows start with the API's defaults (facility
 * `local0`, socket level `operator`), read from the schema.
 *
 * A socket at level `admin` on an address other than loopback gets a
 * visible warning on its row: anyone who reaches it can change HAProxy
 * without credentials.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { Checkbox, Field, type FieldErrors, Select } from "../components/form.ts";
import type { Entity } from "../edit_flow.ts";
import { LogTarget, SocketLevel, StatsSocket } from "../../core/state/haproxy_schema.ts";
import { boolField, intField, setOrDelete, shown, textField } from "./form_values.ts";

const FACILITIES = LogTarget.shape.facility.unwrap().options;
const LEVELS = LogTarget.shape.level.unwrap().options;
const FORMATS = LogTarget.shape.format.unwrap().options;
/** The facility a new log target gets when none is chosen (the schema's default). */
export const DEFAULT_FACILITY: string = LogTarget.shape.facility.parse(undefined);
/** The level a new stats socket gets (the schema's default). */
export const DEFAULT_SOCKET_LEVEL: string = StatsSocket.options[0].shape.level.parse(undefined);

/**
 * The posted log target rows: filled and not removed, in order. Row N was
 * drawn from `existing[N]`, so what the form does not edit (`minLevel`) stays.
 */
export function logsFromForm(form: URLSearchParams, existing: Entity[] = []): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; form.has(`global.logs.${i}.target`); i++) {
    const p = `global.logs.${i}`;
    const target = textField(form.get(`${p}.target`));
    if (boolField(form, `${p}.remove`) || target === undefined) continue;
    const log: Entity = {
      ...(existing[i] ?? {}),
      target,
      facility: form.get(`${p}.facility`) || DEFAULT_FACILITY,
    };
    setOrDelete(log, "level", textField(form.get(`${p}.level`)));
    setOrDelete(log, "format", textField(form.get(`${p}.format`)));
    out.push(log);
  }
  return out;
}

/** The log target rows of the form. */
export function LogRows(props: { logs: Entity[]; errors: FieldErrors }): VNode {
  const rows = [...props.logs, { target: "", facility: DEFAULT_FACILITY }];
  const errors = props.errors;
  const opt = (values: readonly string[], none: string) => [
    { value: "", label: none },
    ...values,
  ];
  return html`
    <fieldset>
      <legend>Log targets</legend>
      <p class="muted">Where HAProxy sends its logs: <code>stdout</code>, <code>stderr</code>,
        a syslog server as <code>127.0.0.1:514</code> (UDP) or a unix socket path. Proxies log
        there when Defaults › Logging is on.</p>
      ${rows.map((l, i) =>
        html`<div class="row log-row">
          <${Field} name=${`global.logs.${i}.target`} label="Target"
            hint=${i < props.logs.length ? "" : "add a target"} value=${shown(l.target)}
            errors=${errors} />
          <${Select} name=${`global.logs.${i}.facility`} label="Facility"
            value=${shown(l.facility)} errors=${errors} options=${FACILITIES} />
          <${Select} name=${`global.logs.${i}.level`} label="Max level" value=${shown(l.level)}
            errors=${errors} options=${opt(LEVELS, "all")} />
          <${Select} name=${`global.logs.${i}.format`} label="Format" value=${shown(l.format)}
            errors=${errors} options=${opt(FORMATS, "HAProxy default (rfc3164)")} />
          ${
          i < props.logs.length
            ? html`<${Checkbox} name=${`global.logs.${i}.remove`} label="Remove" checked=${false} />`
            : null
        }
        </div>`
      )}
    </fieldset>
  `;
}

/** Whether an IP socket host is a loopback address (`127.0.0.0/8`, `::1`). */
export function isLoopbackHost(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "::1";
}

/** The warning for one stats socket, or null: `level admin` reachable beyond loopback. */
export function socketWarning(s: Entity): string | null {
  if (s.level !== "admin" || s.kind === "unix") return null;
  const host = String(s.host ?? "");
  if (isLoopbackHost(host)) return null;
  return `The stats socket on ${host}:${String(s.port ?? "")} has level admin on an address ` +
    `other than loopback: anyone who can reach it can drain servers, change weights and shut ` +
    `sessions down, without credentials. Bind it to 127.0.0.1 or lower its level.`;
}

/**
 * The posted stats socket rows: filled and not removed, in order; row N keeps
 * what the form does not edit (owner, group, `expose-fd`) from `existing[N]`
 * while its kind stays the same.
 */
export function socketsFromForm(form: URLSearchParams, existing: Entity[]): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; form.has(`global.statsSockets.${i}.kind`); i++) {
    const p = `global.statsSockets.${i}`;
    const kind = form.get(`${p}.kind`) ?? "";
    const path = textField(form.get(`${p}.path`));
    const host = textField(form.get(`${p}.host`));
    const port = intField(form.get(`${p}.port`));
    if (boolField(form, `${p}.remove`)) continue;
    if (path === undefined && host === undefined && port === undefined) continue;
    const before = existing[i]?.kind === kind ? existing[i] : {};
    const s: Entity = { ...before, kind, level: form.get(`${p}.level`) || DEFAULT_SOCKET_LEVEL };
    if (kind === "unix") {
      s.path = path ?? "";
      setOrDelete(s, "mode", textField(form.get(`${p}.mode`)));
      delete s.host;
      delete s.port;
    } else {
      s.host = host ?? "";
      s.port = port ?? "";
      for (const k of ["path", "mode", "user", "group"]) delete s[k];
    }
    out.push(s);
  }
  return out;
}

/** The stats socket rows of the form, each with its exposure warning. */
export function SocketRows(props: { sockets: Entity[]; errors: FieldErrors }): VNode {
  const rows = [...props.sockets, { kind: "ipv4", host: "", level: DEFAULT_SOCKET_LEVEL }];
  const errors = props.errors;
  return html`
    <fieldset>
      <legend>Stats sockets (Runtime API)</legend>
      <p class="muted">Extra Runtime API sockets for your own tools (patchpanel keeps its own
        admin socket). A unix socket takes a path; an IP socket a host and a port. Level
        <code>user</code> reads, <code>operator</code> also changes weights and states,
        <code>admin</code> can do anything.</p>
      ${rows.map((s, i) => {
        const warning = i < props.sockets.length ? socketWarning(s) : null;
        return html`<div class=${warning ? "socket-row warned" : "socket-row"}>
          <div class="row">
            <${Select} name=${`global.statsSockets.${i}.kind`} label="Kind"
              value=${shown(s.kind)} errors=${errors} options=${[
          { value: "ipv4", label: "IPv4" },
          { value: "ipv6", label: "IPv6" },
          { value: "unix", label: "unix socket" },
        ]} />
            <${Field} name=${`global.statsSockets.${i}.host`} label="Host"
              hint="IP sockets: 127.0.0.1, or * for all" value=${shown(s.host)}
              errors=${errors} />
            <${Field} name=${`global.statsSockets.${i}.port`} label="Port"
              value=${shown(s.port)} errors=${errors} />
            <${Field} name=${`global.statsSockets.${i}.path`} label="Path"
              hint="unix sockets" value=${shown(s.path)} errors=${errors} />
            <${Field} name=${`global.statsSockets.${i}.mode`} label="File mode"
              hint="unix, e.g. 660" value=${shown(s.mode)} errors=${errors} />
            <${Select} name=${`global.statsSockets.${i}.level`} label="Level"
              value=${shown(s.level)} errors=${errors} options=${SocketLevel.options} />
            ${
          i < props.sockets.length
            ? html`
              <${Checkbox} name=${`global.statsSockets.${i}.remove`} label="Remove"
                checked=${false} />
            `
            : null
        }
          </div>
          ${warning ? html`<p class="alert warn socket-warning" role="alert">${warning}</p>` : null}
        </div>`;
      })}
    </fieldset>
  `;
}
