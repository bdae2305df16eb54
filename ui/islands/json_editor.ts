/**
 * The JSON editor enhancement: checks the textarea's JSON as you type
 * (with the error's position), and formats it. Validation against the
 * schema and the plan stay on the server ("Validate and plan").
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { html, type VNode } from "../html.ts";

/** The status line and Format button under a JSON textarea. */
export function JsonEditor(props: { area: HTMLTextAreaElement }): VNode {
  const [error, setError] = useState<string | null>(null);
  const check = () => {
    try {
      JSON.parse(props.area.value);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    check();
    props.area.addEventListener("input", check);
    return () => props.area.removeEventListener("input", check);
  }, [props.area]);
  const format = () => {
    try {
      props.area.value = JSON.stringify(JSON.parse(props.area.value), null, 2);
      check();
    } catch {
      check();
    }
  };
  return html`
    <div class="actions">
      <button type="button" onClick=${format} disabled=${error !== null}>Format JSON</button>
      <span role="status" class=${error ? "error" : "muted"}>${error
        ? `Not valid JSON: ${error}`
        : "Valid JSON."}</span>
    </div>
  `;
}
