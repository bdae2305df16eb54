/**
 * The browser entry of the island bundle (built by `scripts/build-ui.ts`).
 * Pages work without it; with it, elements marked `data-island` come alive:
 * live charts over SSE (the dashboard's, each frontend's and backend's),
 * the backend page's server numbers, the JSON editor's syntax check and
 * formatting, copy buttons, confirm dialogs for `data-confirm` forms, toasts
 * that fade, and the pending window's countdown.
 * Script errors are reported to the audit log (report.ts).
 *
 * @module
 */
import { render } from "preact";
import { html } from "../html.ts";
import { LiveCharts } from "./live.ts";
import { JsonEditor } from "./json_editor.ts";
import { CopyButton } from "./copy.ts";
import { LogTail } from "./log_tail.ts";
import { enhanceConfirms } from "./confirm.ts";
import { reportErrors } from "./report.ts";
import { liveServers } from "./live_servers.ts";
import { proxyCharts } from "./live_proxy.ts";
import { countdown } from "./countdown.ts";

function mount(el: HTMLElement): void {
  switch (el.dataset.island) {
    case "live-charts":
      render(html`<${LiveCharts} />`, el);
      break;
    case "json-editor": {
      const area = el.querySelector("textarea");
      if (area) {
        const bar = document.createElement("div");
        el.append(bar);
        render(html`<${JsonEditor} area=${area} />`, bar);
      }
      break;
    }
    case "copy": {
      const target = document.getElementById(el.dataset.target ?? "");
      if (target) render(html`<${CopyButton} target=${target} />`, el);
      break;
    }
    case "log-tail":
      render(html`<${LogTail} src=${el.dataset.src ?? ""} />`, el);
      break;
    case "live-servers":
      liveServers(el);
      break;
    case "proxy-charts":
      proxyCharts(el);
      break;
    case "countdown":
      countdown(el);
      break;
    case "toasts":
      for (const t of el.querySelectorAll(".toast")) {
        setTimeout(() => t.remove(), 8000);
      }
      break;
  }
}

reportErrors();
document.querySelectorAll<HTMLElement>("[data-island]").forEach(mount);
enhanceConfirms(document);
