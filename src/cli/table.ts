/** Plain-text tables for the terminal: left-aligned columns, two spaces apart, no trailing blanks. */

export type Cell = string | number | undefined;

/** Columns whose name is listed in `right` are right-aligned (numbers, amounts). */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  right: ReadonlySet<string> = new Set(),
): string {
  const text = rows.map((row) => headers.map((_, i) => oneLine(row[i])));
  const widths = headers.map((header, i) => Math.max(length(header), ...text.map((row) => length(row[i]!))));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (right.has(headers[i]!) ? pad(cell, widths[i]!, 'start') : pad(cell, widths[i]!, 'end')))
      .join('  ')
      .trimEnd();
  return [render(headers), ...text.map(render)].join('\n') + '\n';
}

function oneLine(cell: Cell): string {
  // A product name with a newline must not break the table's rows.
  return cell === undefined ? '' : String(cell).replace(/[\r\n\t]+/g, ' ');
}

/** Code points, not UTF-16 units, so "Zoë" and emoji line up as well as a monospace font allows. */
function length(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, side: 'start' | 'end'): string {
  const fill = ' '.repeat(Math.max(0, width - length(text)));
  return side === 'start' ? fill + text : text + fill;
}
