/**
 * DNS-rebinding protection. A hostile web page can make a browser resolve
 * its own name to 127.0.0.1 and then talk to a loopback-only daemon as a
 * same-origin page (its `Origin` matches its `Host`, so CSRF checks pass).
 * Refusing requests whose `Host` names none of our names closes that door.
 *
 * @module
 */
import { HttpError } from "../errors.ts";
import type { Guard } from "./server.ts";

/** Whether a hostname is loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The hostname of a Host header value (`[::1]:8099` → `::1`, `a.example:443` → `a.example`). */
export function hostnameOf(hostHeader: string): string {
  const v = hostHeader.trim().toLowerCase();
  if (v.startsWith("[")) return v.slice(1, v.indexOf("]") > 0 ? v.indexOf("]") : undefined);
  const colon = v.lastIndexOf(":");
  return colon > 0 && v.indexOf(":") === colon ? v.slice(0, colon) : v;
}

/**
 * Which Host names to accept. Configured names win; with none configured, a
 * daemon listening on loopback accepts only loopback names, and one
 * listening elsewhere accepts any (set `allowedHosts` to lock it down).
 */
export function hostPolicy(
  listenHost: string,
  configured: string[],
): ((hostname: string) => boolean) | null {
  if (configured.length) {
    const allowed = new Set(configured.map((h) => h.toLowerCase()));
    return (h) => allowed.has(h) || isLoopbackHost(h);
  }
  return isLoopbackHost(listenHost) ? isLoopbackHost : null;
}

/**
 * The `host[:port]` of an absolute URL, by slicing (the guard runs on every
 * request; a URL parse costs more), or null for a URL without one.
 */
export function authorityOf(href: string): string | null {
  const start = href.indexOf("//");
  if (start < 0) return null;
  const end = href.indexOf("/", start + 2);
  const authority = href.slice(start + 2, end < 0 ? undefined : end);
  return authority === "" ? null : authority;
}

/**
 * A guard refusing requests whose Host (over HTTP/2, the `:authority`) the
 * policy rejects; requests with neither pass.
 */
export function hostGuard(allowed: (hostname: string) => boolean): Guard {
  // The policy never changes, and clients send the same Host over and over:
  // remembering the last accepted value skips re-parsing it on every request.
  let lastAccepted: string | null = null;
  return {
    name: "host",
    check({ req }) {
      // HTTP/2 sends no Host header: its `:authority` is only in the URL Deno builds from it.
      const header = req.headers.get("host") ?? authorityOf(req.url);
      if (header === null || header === lastAccepted) return;
      if (allowed(hostnameOf(header))) {
        lastAccepted = header;
        return;
      }
      const message = `Host '${hostnameOf(header)}' is not one of this daemon's names; ` +
        "add it to allowedHosts in config.yaml if it should be";
      throw new HttpError("ForbiddenError", message, { error: "ForbiddenError", message });
    },
  };
}
