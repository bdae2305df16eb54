/**
 * The page frame: document head (own stylesheet and island bundle, no
 * external resources), skip link, sidebar navigation, the main landmark
 * with the page heading, and the toast region.
 *
 * @module
 */
import { type ComponentChildren, html, type VNode } from "./html.ts";
import { UiContext } from "./components/context.ts";
import { type Flash, Toasts } from "./components/toast.ts";
import { isCurrent, type NavLink } from "./nav.ts";
import type { NavGroup } from "../core/pages.ts";
import type { Principal } from "../core/plugin.ts";
import { assetUrl } from "./assets.ts";
import { Form } from "./components/form.ts";
import { PendingBanner, type PendingWindow } from "./components/pending_banner.ts";
import { covers } from "../core/auth/roles.ts";

/** What the layout needs besides the page body. */
export interface LayoutProps {
  title: string;
  path: string;
  csrf: string;
  nav: { group: NavGroup; links: NavLink[] }[];
  principal: Principal | null;
  flash: Flash | null;
  /** Public pages (login, setup) get a centred frame without navigation. */
  bare: boolean;
  /** A commit-confirmed window in progress: a banner on every page (core/apply/confirm.ts). */
  pending?: PendingWindow | null;
  children: ComponentChildren;
}

function Sidebar(props: { nav: LayoutProps["nav"]; path: string; principal: Principal | null }) {
  return html`
    <nav class="side" aria-label="Main">
      <a class="brand" href="/dashboard">patchpanel</a>
      <input type="checkbox" id="nav-toggle" class="nav-toggle" />
      <label for="nav-toggle" class="nav-toggle-label">Menu</label>
      <div class="nav-groups">
        ${props.nav.map((g) =>
          html`
            <h2 id=${`nav-${g.group}`}>${g.group}</h2>
            <ul aria-labelledby=${`nav-${g.group}`}>
                    ${g.links.map((l) =>
                      html`<li><a class="nav" href=${l.href}
            aria-current=${isCurrent(l.href, props.path) ? "page" : undefined}>${l.label}</a></li>`
                    )}
                  </ul>
          `
        )}
        ${props.principal
          ? html`
            <div
              class="who">Signed in as <a href="/account"><strong>${props.principal
                .user}</strong></a>${" "}(${props.principal.role})
                      ${props.principal.source === "session"
                        ? html`<${Form} action="/logout" label="Sign out">
                <button type="submit" class="small">Sign out</button><//>`
                        : null}</div>
          `
          : null}
        </div>
    </nav>
  `;
}

/** The whole document for one page. */
export function Layout(props: LayoutProps): VNode {
  const body = html`<main id="main" tabindex="-1">
    ${
    props.pending
      ? html`
        <${PendingBanner} window=${props.pending}
          canAct=${!!props.principal && covers(props.principal.role, "operator")} />
      `
      : null
  }
    <h1>${props.title}</h1>
    ${props.children}
  </main>`;
  return html`
    <${UiContext.Provider} value=${{ csrf: props.csrf, path: props.path }}>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="csrf-token" content=${props.csrf} />
          <title>${props.title} · patchpanel</title>
          <link rel="stylesheet" href=${assetUrl("app.css")} />
          <link rel="icon" type="image/svg+xml" href=${assetUrl("favicon.svg")} />
          <script type="module" src=${assetUrl("islands.js")}></script>
        </head>
        <body>
            <a class="skip" href="#main">Skip to content</a>
            ${props.bare ? html`<div class="center">${body}</div>` : html`<div class="shell">
            <${Sidebar} nav=${props.nav} path=${props.path} principal=${props.principal} />
            ${body}
          </div>`}
            <${Toasts} flash=${props.flash} />
          </body>
      </html>
      <//>
  `;
}
