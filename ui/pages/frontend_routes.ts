/**
 * Routes of a frontend as form rows: "requests for these hosts and/or path
 * prefixes go to this backend". Each row becomes what the state models: a
 * named ACL per matcher in `state.acls` (`rt<N>_host_<frontend>`, criterion
 * `req.hdr(host),field(1,:)` with `-i`, so a `Host: a.test:8443` matches
 * `a.test`; `rt<N>_path_<frontend>`, `path_beg`) and a `use_backend` with
 * `if <host ACL> <path ACL>`, in the rows' order (a row's "position" moves it).
 * `use_backend` lines that are not such generated routes are kept as they
 * are, after the routes.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { Field, Select } from "../components/form.ts";
import type { Entity, FormView, StateDoc } from "../edit_flow.ts";
import { intField } from "./form_values.ts";

/** One route row. */
export interface Route {
  hosts: string[];
  paths: string[];
  backend: string;
}

/** The generated ACL names of route `n` of a frontend. */
export function routeAclNames(frontend: string, n: number): { host: string; path: string } {
  return { host: `rt${n}_host_${frontend}`, path: `rt${n}_path_${frontend}` };
}

/** Whether an ACL name was generated for a route of `frontend`. */
export function isRouteAcl(name: string, frontend: string): boolean {
  return new RegExp(`^rt\\d+_(host|path)_${frontend.replace(/[.]/g, "\\.")}$`).test(name);
}

/** The criterion of a generated host ACL: the Host header without its port. */
export const HOST_CRITERION = "req.hdr(host),field(1,:)";

/** Splits the frontend's `use_backend`s into the routes this form generated and the rest. */
export function routesOf(
  fe: Entity,
  acls: Entity[],
): { routes: Route[]; other: Entity[] } {
  const id = String(fe.id ?? "");
  const byName = new Map(acls.map((a) => [String(a.name), a]));
  const routes: Route[] = [];
  const other: Entity[] = [];
  for (const u of (fe.useBackends as Entity[] | undefined) ?? []) {
    const words = String(u.cond ?? "").split(/\s+/);
    const names = words.slice(1);
    const generated = words[0] === "if" && names.length > 0 && names.length <= 2 &&
      names.every((n) => isRouteAcl(n, id) && byName.has(n));
    if (!generated) {
      other.push(u);
      continue;
    }
    const r: Route = { hosts: [], paths: [], backend: String(u.backend) };
    for (const n of names) {
      const values = (byName.get(n)!.values as string[] | undefined) ?? [];
      if (n.includes("_host_")) r.hosts = values;
      else r.paths = values;
    }
    routes.push(r);
  }
  return { routes, other };
}

/** The route rows as posted: filled rows, in the order of their positions. */
export function routesFromForm(form: URLSearchParams): Route[] {
  const rows: { r: Route; pos: number; i: number }[] = [];
  for (let i = 0; form.has(`routes.${i}.backend`); i++) {
    const words = (k: string) =>
      (form.get(`routes.${i}.${k}`) ?? "").trim().split(/\s+/).filter(Boolean);
    const r: Route = {
      hosts: words("hosts"),
      paths: words("paths"),
      backend: (form.get(`routes.${i}.backend`) ?? "").trim(),
    };
    if (form.get(`routes.${i}.remove`) === "1") continue;
    if (!r.backend && !r.hosts.length && !r.paths.length) continue;
    const pos = intField(form.get(`routes.${i}.position`));
    rows.push({ r, pos: typeof pos === "number" ? pos : i + 1, i });
  }
  rows.sort((a, b) => a.pos - b.pos || a.i - b.i);
  return rows.map((x) => x.r);
}

/**
 * Writes routes into a state: drops the ACLs generated for the frontend's
 * old and new name, adds one per matcher, and sets the frontend's
 * `use_backend`s (routes first, then the others kept as they were).
 */
export function applyRoutes(
  state: StateDoc,
  fe: Entity,
  originalId: string | null,
  routes: Route[],
  other: Entity[],
): void {
  const id = String(fe.id ?? "");
  state.acls = state.acls.filter((a) =>
    !isRouteAcl(String(a.name), id) && !(originalId && isRouteAcl(String(a.name), originalId))
  );
  const uses: Entity[] = [];
  routes.forEach((r, k) => {
    const n = k + 1;
    const names = routeAclNames(id, n);
    const terms: string[] = [];
    if (r.hosts.length) {
      state.acls.push({
        name: names.host,
        criterion: HOST_CRITERION,
        flags: ["-i"],
        values: r.hosts,
      });
      terms.push(names.host);
    }
    if (r.paths.length) {
      state.acls.push({ name: names.path, criterion: "path_beg", flags: [], values: r.paths });
      terms.push(names.path);
    }
    // A row with neither matcher has no condition: the schema refuses it at its place.
    uses.push({ backend: r.backend, cond: terms.length ? `if ${terms.join(" ")}` : "" });
  });
  fe.useBackends = [...uses, ...other];
}

/** The route rows of the form, plus blank rows, with the frontend's default backend. */
export function RouteRows(props: {
  routes: Route[];
  other: Entity[];
  blank: number;
  backends: string[];
  errors: FormView<Entity>["errors"];
}): VNode {
  const rows = [...props.routes];
  for (let k = 0; k < props.blank; k++) rows.push({ hosts: [], paths: [], backend: "" });
  const options = [{ value: "", label: "choose a backend" }, ...props.backends];
  return html`
    <fieldset>
      <legend>Routes</legend>
      <p class="muted">Checked in order; the first row whose hosts and path prefixes all match
        picks the backend. Anything else goes to the default backend. Several hosts or
        prefixes: separate them with spaces.</p>
      ${rows.map((r, i) =>
        html`<div class="row route-row">
          <${Field} name=${`routes.${i}.position`} label="Position" value=${String(i + 1)}
            errors=${props.errors} />
          <${Field} name=${`routes.${i}.hosts`} label="Hosts" hint="e.g. a.test www.a.test"
            value=${r.hosts.join(" ")} errors=${props.errors} />
          <${Field} name=${`routes.${i}.paths`} label="Path prefixes" hint="e.g. /api"
            value=${r.paths.join(" ")} errors=${props.errors} />
          <${Select} name=${`routes.${i}.backend`} label="Backend" value=${r.backend}
            errors=${props.errors} options=${options} />
          ${
          i < props.routes.length
            ? html`<div class="field"><label><input type="checkbox" name=${`routes.${i}.remove`}
              value="1" /> Remove</label></div>`
            : null
        }
        </div>`
      )}
      <input type="hidden" name="_routeBlank" value=${String(props.blank)} />
      ${props.other.length
        ? html`<p class="muted">${props.other.length} other use_backend rule(s), not made
          here, stay after these routes (edit them in the state editor).</p>`
        : null}
    </fieldset>
  `;
}
