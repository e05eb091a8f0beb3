/**
 * CSV as RFC 4180 writes it: fields with a comma, quote, CR or LF are quoted, quotes doubled, rows
 * end in CRLF. Text is kept as is (UTF-8, no transliteration): spreadsheet tools and
 * `csv.reader` read it back exactly.
 */

export type CsvValue = string | number | undefined | null;

export function csvField(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  // Leading/trailing spaces are quoted too, since some readers trim unquoted fields.
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
