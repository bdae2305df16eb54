/**
 * The page contract: how a plugin contributes a server-rendered page and its
 * navigation entry to the web console.
 *
 * Pages are data in the {@link Registry} like routes: a path, a title, the
 * role needed, an optional nav entry, and a `render` (GET) plus an optional
 * `action` (form POST to the same path). The UI mounts each page as a route
 * with the same guards as the API, so authentication, roles, CSRF and rate
 * limits apply unchanged. A page talks to the daemon only through
 * {@link PageContext.api}, an in-process call of the REST API with the
 * caller's own credentials: every click is an API call a curl user could make.
 *
 * @module
 */
import type { VNode } from "preact";
import type { Principal, Role } from "./plugin.ts";

/**
 * Preact markup (a `VNode`), as the console's `html` template tag builds it.
 * Named here so `deno doc` links to Preact rather than asking this package
 * to document Preact's types.
 *
 * @internal
 */
export type Markup = VNode;

/** Navigation groups, in the order the console's sidebar shows them. */
export const NAV_GROUPS = [
  "Overview",
  "Configuration",
  "Operations",
  "Security",
  "System",
] as const;

/** A navigation group name. */
export type NavGroup = typeof NAV_GROUPS[number];

/** Where a page appears in the sidebar; lower `order` first within a group. */
export interface NavEntry {
  /** The sidebar group the link appears in. */
  group: NavGroup;
  /** Position within the group; lower comes first. */
  order: number;
  /** The link text; the page title when omitted. */
  label?: string;
}

/** A reply of an in-process API call: status, headers and the decoded body. */
export interface ApiReply<T = unknown> {
  /** The HTTP status the API answered with. */
  status: number;
  /** Whether the status is 2xx, so pages can branch without comparing numbers. */
  ok: boolean;
  /** The reply's headers (e.g. `ETag` for a later `If-Match`). */
  headers: Headers;
  /** Decoded JSON when the reply is JSON, otherwise the text. */
  body: T;
  /** The body as text, for error messages shown verbatim. */
  text: string;
}

/** A file posted with a multipart form (`<input type="file">`), as its bytes. */
export interface PostedFile {
  /** The file name the browser sent (not a path to trust). */
  name: string;
  /** The media type the browser claimed, e.g. `text/html`; empty when it sent none. */
  type: string;
  /** The file's bytes, as uploaded. */
  bytes: Uint8Array;
}

/** What a page's `render` and `action` receive. */
export interface PageContext {
  /** The browser's request. */
  req: Request;
  /** The parsed request URL, e.g. for query parameters. */
  url: URL;
  /** The values of the path's `:param` segments. */
  params: Record<string, string>;
  /** Who is viewing, or null on a public page without a session. */
  principal: Principal | null;
  /** The audit actor string of the caller. */
  actor: string;
  /** The posted form's text fields for an action, null for a GET. */
  form: URLSearchParams | null;
  /**
   * The files of a multipart form post, by field name (empty for an urlencoded post or a GET),
   * so an upload form can hand the bytes to the API without JavaScript.
   */
  files?: ReadonlyMap<string, PostedFile>;
  /** The CSRF token to embed in forms (empty when the guard issues none). */
  csrf: string;
  /**
   * Calls the REST API in-process with the caller's credentials; never throws on a status.
   * A string or `Uint8Array` body is sent as it is (give its `content-type`), anything else as JSON.
   */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiReply<T>>;
}

/** A rendered page body with an explicit status (e.g. 422 when a form has errors). */
export interface PageBody {
  /** Tells a {@link PageBody} apart from markup and a Response. */
  kind: "page";
  /** The HTTP status to send, e.g. 422 for a form with errors. */
  status: number;
  /** The page's markup, shown inside the console layout. */
  body: Markup;
  /** Overrides the page's title in `<title>` and the heading. */
  title?: string;
}

/** What render and action return: markup (status 200), markup with a status, or a raw Response. */
export type PageResult = Markup | PageBody | Response;

/** A page handler. */
export type PageHandler = (ctx: PageContext) => Promise<PageResult> | PageResult;

/** How a plugin declares a page. */
export interface PageDefinition {
  /** Absolute path, `:param` segments allowed; never under `/api/`. */
  path: string;
  /** The page heading and `<title>`. */
  title: string;
  /** Who may see the page (and post its forms). */
  role: Role | "public";
  /** Where the page appears in the sidebar; omitted for pages reached by link only. */
  nav?: NavEntry;
  /** Renders the page for a GET. */
  render: PageHandler;
  /** Handles a form post to the same path (x-www-form-urlencoded, or multipart with files). */
  action?: PageHandler;
  /** The role the form post needs, when higher than viewing (e.g. view: viewer, edit: operator). */
  actionRole?: Role;
}

/** A registered page, as data: the definition plus the plugin that owns it. */
export interface PageRecord extends PageDefinition {
  plugin: string;
}

/** Wraps markup with a status, for actions that re-render a form with errors. */
export function pageWithStatus(status: number, body: Markup, title?: string): PageBody {
  return { kind: "page", status, body, title };
}
