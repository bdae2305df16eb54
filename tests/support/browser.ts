/**
 * Test support for browser tests: Debian's chromium driven by
 * playwright-core, headless, sandbox off (containers), no background
 * networking, in a fresh profile (Playwright's launch makes a new temp
 * user-data-dir and removes it on close).
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";

/** The chromium binary (Debian package `chromium`, installed by scripts/setup --test). */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags every browser test runs chromium with. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches chromium; close it in a `finally`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Where screenshots go (gitignored). */
export const ARTIFACTS = new URL("../artifacts/ui/", import.meta.url);
