/**
 * The one zod instance patchpanel's schemas use, as `mod.ts` hands it to
 * plugins (re-exported here as a value, so the public surface documents
 * one symbol instead of zod's whole namespace).
 *
 * @module
 */
import { z as zod } from "zod";

/** patchpanel's zod: build plugin schemas with it, so they compose with the core's. */
export const z: typeof zod = zod;
