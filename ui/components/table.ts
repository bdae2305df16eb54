/**
 * A data table with a caption, header cells scoped to columns, and a row
 * for "nothing here yet", so every list page reads the same.
 *
 * @module
 */
import { type ComponentChildren, html, type VNode } from "../html.ts";

/** One column: its header and how a row renders into the cell. */
export interface Column<T> {
  /** The header cell's text. */
  label: string;
  /** Renders one row's cell; `index` is the row's position in `rows`. */
  cell: (row: T, index: number) => ComponentChildren;
}

/** Renders rows under their columns. */
export function Table<T>(props: {
  caption?: string;
  columns: Column<T>[];
  rows: T[];
  empty?: string;
  rowClass?: (row: T) => string | undefined;
  id?: string;
}): VNode {
  return html`<table id=${props.id}>
    ${props.caption ? html`<caption>${props.caption}</caption>` : null}
    <thead><tr>${props.columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
    <tbody>
      ${
    props.rows.length
      ? props.rows.map((row, i) =>
        html`<tr class=${props.rowClass?.(row)}>
            ${props.columns.map((c) => html`<td>${c.cell(row, i)}</td>`)}
          </tr>`
      )
      : html`
        <tr>
          <td colspan=${props.columns.length} class="muted">${props.empty ??
            "Nothing here yet."}</td>
        </tr>
      `
  }
    </tbody>
  </table>`;
}
