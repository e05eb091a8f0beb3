import { describe, expect, test } from 'vitest';
import { csvField, csvRow } from '../../../src/cli/csv.js';
import { parseCsv } from './fixtures.js';

describe('csvField', () => {
  test.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line1\nline2', '"line1\nline2"'],
    ['cr\rhere', '"cr\rhere"'],
    [' padded ', '" padded "'],
    ['Zoë Ångström ☕ 東京', 'Zoë Ångström ☕ 東京'],
  ])('%j -> %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  test('numbers are written as they print; undefined and null as empty fields', () => {
    expect(csvField(3)).toBe('3');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
  });
});

describe('csvRow', () => {
  test('joins with commas and ends in CRLF', () => {
    expect(csvRow(['a', 1, undefined, 'b'])).toBe('a,1,,b\r\n');
  });

  test('anything written reads back unchanged with an independent RFC 4180 reader', () => {
    const rows = [
      ['Order ID', 'Product Name', 'Note'],
      ['1', 'Tee "Ocean", size M', 'multi\nline\r\nnote'],
      ['2', 'Tasse Zoë ☕', ',leading comma'],
      ['3', '""', ' spaced '],
      ['4', '', 'trailing,'],
    ];
    const text = rows.map(csvRow).join('');
    expect(parseCsv(text)).toEqual(rows);
  });
});
