/**
 * Uploaded error pages as a state references them (the
 * `core/state_files.ts` hook, the same one plugins use): kind
 * `error-page`, id the status code, for every `errorPages` entry with
 * `upload: true`. The bytes are the stored HTTP response as is. A page
 * received from a peer takes the checks of an upload (error_page_check.ts)
 * before it is written; unlike a local upload it may replace a page the
 * state uses, because the pushed state's apply follows at once and the
 * pipeline reloads HAProxy for a changed file.
 *
 * @module
 */
import { z } from "zod";
import { badRequest, HttpError } from "../errors.ts";
import type { DataPaths } from "../paths.ts";
import type { StateFileSource } from "../state_files.ts";
import { uploadedErrorPagePath } from "../render/operator_files.ts";
import { ERROR_PAGE_CODES } from "../state/haproxy_schema.ts";
import { writeFileAtomic } from "../fsutil.ts";
import { ERROR_PAGE_MAX_BYTES, errorPageProblems } from "./error_page_check.ts";

/** The file kind. */
export const ERROR_PAGE_FILE_KIND = "error-page";

const PagesView = z.object({
  errorPages: z.array(z.object({ code: z.number(), upload: z.literal(true).optional() })),
});

/** A known status code from a file id, or null. */
function codeOf(id: string): number | null {
  const code = Number(id);
  return /^\d{3}$/.test(id) && (ERROR_PAGE_CODES as readonly number[]).includes(code) ? code : null;
}

/** The codes (as ids) of the uploaded pages a (possibly unvalidated) state uses. */
export function uploadedPagesIn(state: unknown): string[] {
  const view = PagesView.safeParse(state);
  if (!view.success) return [];
  return view.data.errorPages.filter((p) => p.upload === true).map((p) => String(p.code))
    .filter((id) => codeOf(id) !== null);
}

/** The `error-page` file source of a data directory. */
export function errorPageFileSource(paths: DataPaths): StateFileSource {
  return {
    kind: ERROR_PAGE_FILE_KIND,
    referenced: uploadedPagesIn,
    async read(id) {
      const code = codeOf(id);
      if (code === null) return null;
      return await Deno.readFile(uploadedErrorPagePath(paths, code)).catch(() => null);
    },
    async write(id, bytes) {
      const code = codeOf(id);
      if (code === null) throw badRequest(`'${id}' is not an error page code`);
      if (bytes.length > ERROR_PAGE_MAX_BYTES) {
        throw new HttpError(
          "PayloadTooLarge",
          `an error page is at most ${ERROR_PAGE_MAX_BYTES} bytes`,
        );
      }
      const problems = errorPageProblems(code, bytes);
      if (problems.length) throw badRequest(`error page ${code}: ${problems.join("; ")}`);
      await Deno.mkdir(`${paths.errorPages}/uploads`, { recursive: true, mode: 0o700 });
      await writeFileAtomic(uploadedErrorPagePath(paths, code), bytes, 0o600);
    },
  };
}
