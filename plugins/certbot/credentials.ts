/**
 * DNS-01 credentials, kept out of the state: one INI file per provider,
 * `<letsencrypt>/credentials/<provider>.ini`, 0600 in a 0700 directory,
 * written whole and atomically, never read back out through the API (only
 * which keys are set).
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../core/fsutil.ts";
import { HttpError } from "../../core/errors.ts";
import type { CertbotDirs } from "./files.ts";
import type { CredentialTemplate } from "./dns_plugins.ts";

/** The credentials file of a provider (the provider id is a Name: no path separators). */
export function credentialsFile(dirs: CertbotDirs, providerId: string): string {
  return join(dirs.credentials, `${providerId}.ini`);
}

/** Checks values against a template: only its keys, every required one, one line each. */
export function checkValues(
  template: CredentialTemplate,
  values: Record<string, unknown>,
): Record<string, string> {
  const known = new Map(template.fields.map((f) => [f.key, f]));
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (!known.has(key)) problems.push(`'${key}' is not a field of ${template.plugin}`);
    else if (typeof value !== "string" || value.length === 0 || value.length > 4096) {
      problems.push(`'${key}' must be a non-empty string`);
    } else if (/[\r\n\0]/.test(value)) problems.push(`'${key}' must be a single line`);
    else out[key] = value;
  }
  for (const f of template.fields) {
    if (f.required && !(f.key in values)) problems.push(`'${f.key}' is required`);
  }
  if (problems.length) {
    throw new HttpError("BadRequest", problems.join("; "), {
      error: problems.join("; "),
      fields: template.fields.map((f) => f.key),
    });
  }
  return out;
}

/** Writes the file (0600) and returns the keys it holds. */
export async function writeCredentials(
  dirs: CertbotDirs,
  providerId: string,
  values: Record<string, string>,
): Promise<string[]> {
  await Deno.mkdir(dirs.credentials, { recursive: true, mode: 0o700 });
  await Deno.chmod(dirs.credentials, 0o700);
  const text = Object.entries(values).map(([k, v]) => `${k} = ${v}`).join("\n") + "\n";
  await writeFileAtomic(credentialsFile(dirs, providerId), text, 0o600);
  return Object.keys(values).sort();
}

/** The keys the file sets, or null when there is none. */
export async function credentialKeys(
  dirs: CertbotDirs,
  providerId: string,
): Promise<string[] | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(credentialsFile(dirs, providerId));
  } catch {
    return null;
  }
  return text.split("\n").map((l) => l.split("=")[0].trim()).filter(Boolean).sort();
}

/** Removes the file; whether there was one. */
export async function removeCredentials(dirs: CertbotDirs, providerId: string): Promise<boolean> {
  try {
    await Deno.remove(credentialsFile(dirs, providerId));
    return true;
  } catch {
    return false;
  }
}
