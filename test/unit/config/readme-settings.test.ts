/**
 * The README's configuration table and src/config.ts (the one schema) list the same settings:
 * a setting added to the schema without a row, or a row for a setting that no longer exists, fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SETTINGS } from '../../../src/config.js';

/** Read by others, not by our schema: @temporalio/envconfig (like the Temporal CLI) and the CLI finder. */
const READ_ELSEWHERE = ['TEMPORAL_API_KEY', 'TEMPORAL_TLS_*', 'TEMPORAL_PROFILE', 'TEMPORAL_CLI_PATH'];

function documentedSettings(): string[] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(0, section.indexOf('\n## ') === -1 ? undefined : section.indexOf('\n## '));
  const names: string[] = [];
  for (const row of table.split('\n').filter((line) => line.startsWith('| `'))) {
    const firstCell = row.split('|')[1]!;
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_*]+)`/g)) names.push(match[1]!);
  }
  return names;
}

describe("the README's configuration table", () => {
  it('has a row for every setting of src/config.ts', () => {
    const documented = documentedSettings();
    expect(CONFIG_SETTINGS.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('lists nothing that no one reads', () => {
    const known = new Set<string>([...CONFIG_SETTINGS, ...READ_ELSEWHERE]);
    expect(documentedSettings().filter((name) => !known.has(name))).toEqual([]);
  });
});
