/** Plain-text tables for the terminal: right-aligned numbers, one header row. */

export type Cell = string | number;

function format(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (Number.isNaN(cell)) return '-';
  if (Number.isInteger(cell) || Math.abs(cell) >= 1000) return String(Math.round(cell));
  return cell.toFixed(Math.abs(cell) < 10 ? 2 : 1);
}

export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [header, ...rows.map((row) => row.map(format))];
  const widths = header.map((_, column) => Math.max(...text.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...text.slice(1).map(line)].join(
    '\n',
  );
}
