/**
 * The channel form of the notifications page, drawn from a channel type's
 * JSON Schema (`GET /api/notifications/channel-types`), and the way back
 * from the posted fields to a channel's `config`: strings, numbers,
 * booleans, enums, lists of strings (comma-separated) and header lists
 * (`Name: value` per line). Secret fields are password inputs.
 *
 * @module
 */
import {
  Checkbox,
  Field,
  type FieldErrors,
  html,
  Select,
  TextArea,
  type VNode,
} from "../../mod_ui.ts";

/** The JSON Schema subset the channel configs use. */
export interface PropSchema {
  type?: string;
  enum?: string[];
  default?: unknown;
  description?: string;
  items?: PropSchema & { properties?: Record<string, PropSchema> };
}

/** A channel type as the channel-types route answers it. */
export interface TypeListing {
  type: string;
  label: string;
  description: string;
  secrets: string[];
  schema: { properties: Record<string, PropSchema>; required?: string[] };
}

const prefix = (name: string) => `config.${name}`;

function isHeaderList(p: PropSchema): boolean {
  return p.type === "array" && p.items?.type === "object";
}

/** The config inputs of one type. */
export function ConfigFields(
  props: { t: TypeListing; form: URLSearchParams | null; errors: FieldErrors },
): VNode {
  const { t, form, errors } = props;
  const required = new Set(t.schema.required ?? []);
  return html`${
    Object.entries(t.schema.properties).map(([name, p]) => {
      const key = prefix(name);
      const posted = form?.get(key);
      const hint = [p.description, t.secrets.some((s) => s.split(".")[0] === name) ? "secret" : ""]
        .filter(Boolean).join("; ");
      const common = { name: key, label: name, errors, hint, required: required.has(name) };
      if (p.enum) {
        return html`
          <${Select} ...${common} options=${p.enum}
            value=${posted ?? String(p.default ?? "")} />
        `;
      }
      if (p.type === "boolean") {
        return html`<${Checkbox} ...${common} checked=${
          posted === null || posted === undefined ? p.default === true : posted === "1"
        } />`;
      }
      if (isHeaderList(p)) {
        return html`
          <${TextArea} ...${common} rows=${3} value=${posted ?? ""}
            hint=${"one header per line, Name: value; secret"} />
        `;
      }
      if (p.type === "array") {
        return html`<${Field} ...${common} value=${posted ?? ""} hint=${"comma-separated"} />`;
      }
      const secret = t.secrets.includes(name);
      return html`<${Field} ...${common} type=${
        p.type === "integer" || p.type === "number" ? "number" : secret ? "password" : "text"
      } value=${posted ?? (p.type === "integer" ? String(p.default ?? "") : "")} />`;
    })
  }`;
}

/** The posted config fields back as a `config` object (empty inputs are left to defaults). */
export function configFrom(t: TypeListing, form: URLSearchParams): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(t.schema.properties)) {
    const raw = form.getAll(prefix(name)).at(-1) ?? "";
    if (p.type === "boolean") {
      config[name] = raw === "1";
    } else if (isHeaderList(p)) {
      const headers = raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((l) => {
        const i = l.indexOf(":");
        return i < 0
          ? { name: l, value: "" }
          : { name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() };
      });
      if (headers.length) config[name] = headers;
    } else if (p.type === "array") {
      const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
      if (items.length) config[name] = items;
    } else if (raw.trim() !== "") {
      config[name] = p.type === "integer" || p.type === "number" ? Number(raw) : raw.trim();
    }
  }
  return config;
}
