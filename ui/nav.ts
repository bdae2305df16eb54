/**
 * The sidebar's content, derived from the registered pages: grouped in the
 * core's fixed group order, sorted by each entry's `order`, and filtered to
 * what the caller's role may open.
 *
 * @module
 */
import { NAV_GROUPS, type NavGroup, type PageRecord } from "../core/pages.ts";
import type { Principal, Role } from "../core/plugin.ts";

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether a principal may open something that needs `role`. */
export function allows(principal: Principal | null, role: Role | "public"): boolean {
  if (role === "public") return true;
  return principal !== null && RANK[principal.role] >= RANK[role];
}

/** One link of the sidebar. */
export interface NavLink {
  href: string;
  label: string;
}

/** The sidebar's groups, each with its links, empty groups left out. */
export function buildNav(
  pages: readonly PageRecord[],
  principal: Principal | null,
): { group: NavGroup; links: NavLink[] }[] {
  return NAV_GROUPS.map((group) => ({
    group,
    links: pages
      .filter((p) => p.nav?.group === group && allows(principal, p.role) && p.role !== "public")
      .sort((a, b) => a.nav!.order - b.nav!.order || a.path.localeCompare(b.path))
      .map((p) => ({ href: p.path, label: p.nav!.label ?? p.title })),
  })).filter((g) => g.links.length > 0);
}

/** Whether a nav link is the current page (or a parent of it, e.g. /backends for /backends/app). */
export function isCurrent(href: string, path: string): boolean {
  return path === href || (href !== "/" && path.startsWith(`${href}/`));
}
