/**
 * Per-request values every component may need (the CSRF token for forms,
 * the current path for the nav) without threading them through props.
 *
 * @module
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";

/** What the layout provides to the components below it. */
export interface UiRequest {
  /** The CSRF token to embed in forms; empty when the guard issues none. */
  csrf: string;
  /** The request path, for `aria-current` in the nav. */
  path: string;
}

/** The context object; the layout's provider fills it per request. */
export const UiContext = createContext<UiRequest>({ csrf: "", path: "/" });

/** Reads the per-request values. */
export function useUi(): UiRequest {
  return useContext(UiContext);
}
