/**
 * The files an operator's state asks for beside the cfg: named maps
 * (`<data>/maps/<name>.map`) and custom error pages
 * (`<data>/error-pages/<code>.http` plus an `errorfile` line in defaults).
 * Rules name a map as `map(@<name>...)`; {@link resolveMapRefs} turns that
 * into the map file's path when the cfg is rendered, so a state never holds
 * a host path for a map and an operator may use one.
 *
 * @module
 */
import type { DataPaths } from "../paths.ts";
import type { State } from "../state/schema.ts";
import type { ErrorPageModel, StateMapModel } from "../state/haproxy_schema.ts";
import { bodyText, type ConfigModel, d, unreadBody } from "./model.ts";

/** The path of a state map's file. */
export function mapFilePath(paths: DataPaths, name: string): string {
  return `${paths.maps}/${name}.map`;
}

/** The path of a custom error page's file. */
export function errorPagePath(paths: DataPaths, code: number): string {
  return `${paths.errorPages}/${code}.http`;
}

/**
 * The file of an inline page scoped to some proxies: named by its place in
 * `errorPages` as well, since several scoped pages may share a code.
 */
export function scopedErrorPagePath(paths: DataPaths, index: number, code: number): string {
  return `${paths.errorPages}/scoped-${index}-${code}.http`;
}

/** Where an uploaded error page is stored (`POST /api/error-pages/{code}`). */
export function uploadedErrorPagePath(paths: DataPaths, code: number): string {
  return `${paths.errorPages}/uploads/${code}.http`;
}

/** A map file's content: one `key value` line per entry, in state order (first match wins). */
export function mapFileContent(map: StateMapModel): string {
  return map.entries.map((e) => `${e.key} ${e.value}\n`).join("");
}

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  410: "Gone",
  413: "Payload Too Large",
  425: "Too Early",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * An `errorfile` is a whole HTTP/1.x response HAProxy sends as is: status
 * line, headers (a `content-length` that matches the body in bytes, and no
 * caching or keep-alive), blank line, body.
 */
export function errorPageContent(page: Exclude<ErrorPageModel, { upload: true }>): string {
  const length = new TextEncoder().encode(page.body).length;
  return [
    `HTTP/1.1 ${page.code} ${REASONS[page.code] ?? "Error"}`,
    `content-type: ${page.contentType}`,
    `content-length: ${length}`,
    "cache-control: no-cache",
    "connection: close",
    "",
    page.body,
  ].join("\r\n");
}

const MAP_CALL =
  /(?<![A-Za-z0-9_.-])(map(?:_[a-z_]+)?)\(@([A-Za-z0-9][A-Za-z0-9._:-]{0,62})(?=[,)])/g;

/** `map*(@name...)` → `map*(<data>/maps/name.map...)` in one argument. */
export function resolveMapRefs(text: string, paths: DataPaths): string {
  if (!text.includes("(@")) return text;
  return text.replace(
    MAP_CALL,
    (_m, fn: string, name: string) => `${fn}(${mapFilePath(paths, name)}`,
  );
}

/**
 * Writes the maps' and error pages' files into the model, adds the
 * `errorfile` lines to defaults, and resolves `map(@name)` references in
 * every line rendered so far (the core's sections: frontends, backends, raw
 * lines). Runs at the end of the core's render, before plugins' hooks.
 */
export function renderOperatorFiles(model: ConfigModel, state: State, paths: DataPaths): void {
  for (const map of state.maps ?? []) {
    model.file({ path: mapFilePath(paths, map.name), content: mapFileContent(map) });
  }
  const defaults = model.section("defaults");
  (state.errorPages ?? []).forEach((page, i) => {
    const scoped = page.frontends !== undefined || page.backends !== undefined;
    let path: string;
    if ("upload" in page) path = uploadedErrorPagePath(paths, page.code);
    else {
      path = scoped ? scopedErrorPagePath(paths, i, page.code) : errorPagePath(paths, page.code);
      model.file({ path, content: errorPageContent(page) });
    }
    const line = () =>
      d("errorfile", [page.code, path], { kind: "errorPage", id: String(page.code) });
    if (!scoped) defaults?.directives.push(line());
    for (const id of page.frontends ?? []) model.section("frontend", id)?.directives.push(line());
    for (const id of page.backends ?? []) model.section("backend", id)?.directives.push(line());
  });
  // Without maps no reference can resolve (validation refuses one naming a missing map), and
  // a server line names none: a 100,000-server render skips 400,000 string searches.
  if (!state.maps?.length) return;
  for (const section of model.sections) {
    // A section printing remembered lines is read (and so printed anew) only if it must change.
    const body = unreadBody(section);
    if (body && !bodyText(body).includes("(@")) continue;
    for (const line of section.directives) {
      if (line.keyword === "server") continue;
      if (line.keyword.includes("(@")) line.keyword = resolveMapRefs(line.keyword, paths);
      for (let i = 0; i < line.args.length; i++) {
        const arg = line.args[i];
        if (arg.includes("(@")) line.args[i] = resolveMapRefs(arg, paths);
      }
    }
  }
}
