/**
 * The commit-confirmed window as the console shows it on every page while
 * one is pending: the time left (the countdown island ticks it each
 * second; without JavaScript, the time left at render), the guards' newest
 * verdicts, and confirm and roll-back buttons that are plain form posts to `/pending` (they work
 * without JavaScript). The apply dialog's choice of a window lives here too,
 * so the edit flow only mounts it.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { Form } from "./form.ts";
import { timeLeft } from "../islands/countdown.ts";

/** The parts of a pending window (`GET /api/state/pending`) the console shows. */
export interface PendingWindow {
  id: string;
  actor: string;
  endsAt: number;
  timeLeftMs: number;
  rollbackTo: string;
  verdicts: { guard: string; proxy: string; kind: string; status: string; detail: string }[];
}

/** One line per verdict status: how many guards are ok, tripped, or cannot judge yet. */
export function verdictSummary(w: PendingWindow): string {
  const count = (s: string) => w.verdicts.filter((v) => v.status === s).length;
  if (w.verdicts.length === 0) return "no reading yet";
  const parts = [`${count("ok")} ok`];
  if (count("insufficient")) parts.push(`${count("insufficient")} without enough traffic`);
  if (count("tripped")) parts.push(`${count("tripped")} tripped`);
  return parts.join(", ");
}

/** The banner; `canAct` (operator and up) adds the confirm and roll-back buttons. */
export function PendingBanner(props: { window: PendingWindow; canAct: boolean }): VNode {
  const w = props.window;
  return html`<section class="alert warn pending-window" role="status" aria-label="Change on probation">
    <p><strong>Change on probation:</strong> kept in${" "}
      <time datetime=${new Date(w.endsAt).toISOString()} data-island="countdown"
        data-left-ms=${String(w.timeLeftMs)}>${timeLeft(w.timeLeftMs)}</time>
      ${" "}unless a guard trips (${verdictSummary(w)}); applied by ${w.actor}.${" "}
      <a href="/pending">Readings</a></p>
    ${
    props.canAct
      ? html`
        <div class="actions">
          <${Form} action="/pending" label="Confirm the change">
            <input type="hidden" name="do" value="confirm" />
            <button type="submit" class="primary small">Confirm: keep it</button>
            <//>
            <${Form} action="/pending" label="Roll the change back">
              <input type="hidden" name="do" value="cancel" />
              <button type="submit" class="danger small">Roll back now</button>
              <//>
              </div>
      `
      : null
  }
  </section>`;
}

/** The windows the apply dialog offers, as `confirm=` values ("" is a plain apply). */
export const CONFIRM_CHOICES: [string, string][] = [
  ["", "Apply and keep"],
  ["1m", "Keep if traffic stays healthy for 1 minute"],
  ["5m", "Keep if traffic stays healthy for 5 minutes"],
  ["15m", "Keep if traffic stays healthy for 15 minutes"],
];

/** The apply dialog's select: apply plainly or under a commit-confirmed window. */
export function ConfirmChoice(): VNode {
  return html`<label>After applying${" "}
    <select name="confirm">
      ${CONFIRM_CHOICES.map(([v, label]) => html`<option value=${v}>${label}</option>`)}
    </select></label>`;
}

/** The `&confirm=…` a posted apply dialog asks for ("" when none, or not one of the choices). */
export function confirmQuery(form: URLSearchParams | null): string {
  const v = form?.get("confirm") ?? "";
  return v && CONFIRM_CHOICES.some(([c]) => c === v) ? `&confirm=${encodeURIComponent(v)}` : "";
}
