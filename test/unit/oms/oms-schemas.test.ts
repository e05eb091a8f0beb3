import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OMS_PORT_METHODS } from '../../../src/api/oms-port-methods.js';
import { OMS_EVENT_CONTRACTS, OMS_EVENT_TYPES, omsSchemaFiles } from '../../../src/oms/http/index.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../../docs/oms-schemas/', import.meta.url));

describe('the HTTP OMS contract (docs/oms-schemas/)', () => {
  it('has one event per OMS port method', () => {
    const methods = OMS_EVENT_TYPES.map((type) => OMS_EVENT_CONTRACTS[type].method);
    expect([...methods].sort()).toEqual([...OMS_PORT_METHODS].sort());
  });

  it('has committed JSON Schemas equal to the ones the zod schemas give (run `npm run oms-schemas` after a change)', () => {
    const expected = omsSchemaFiles();
    const committed = readdirSync(SCHEMA_DIR).filter((name) => name.endsWith('.schema.json'));
    expect(committed.sort()).toEqual(Object.keys(expected).sort());
    for (const [name, content] of Object.entries(expected)) {
      expect(readFileSync(`${SCHEMA_DIR}${name}`, 'utf8'), name).toBe(content);
    }
  });

  it('is documented in docs/oms-integration.md: every event, with links to schema files that exist', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../docs/oms-integration.md', import.meta.url)), 'utf8');
    for (const type of OMS_EVENT_TYPES) expect(doc, type).toContain(`| \`${type}\` |`);
    const links = [...doc.matchAll(/\]\(oms-schemas\/([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(OMS_EVENT_TYPES.length);
    for (const name of links) expect(Object.keys(omsSchemaFiles()), name).toContain(name);
  });

  it('documents a reply for exactly the events whose answer the adapter reads', () => {
    const withReply = OMS_EVENT_TYPES.filter((type) => 'reply' in OMS_EVENT_CONTRACTS[type]);
    expect(withReply).toEqual(['inventory.reserve', 'order.create_pending']);
  });
});
