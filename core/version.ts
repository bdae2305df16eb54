/** patchpanel's version, reported by `patchpanel version` and `/health`. */
export const VERSION = "0.1.0";
