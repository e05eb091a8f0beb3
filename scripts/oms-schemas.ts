/**
 * `npm run oms-schemas`: writes the HTTP OMS contract's JSON Schemas to docs/oms-schemas/ from the
 * zod schemas (src/oms/http/event-schemas.ts). test/unit/oms/oms-schemas.test.ts fails when the
 * committed files and the code disagree; run this after changing an event or a port type.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { omsSchemaFiles } from '../src/oms/http/event-schemas.js';

const dir = fileURLToPath(new URL('../docs/oms-schemas/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const name of readdirSync(dir)) if (name.endsWith('.schema.json')) rmSync(`${dir}${name}`);
const files = omsSchemaFiles();
for (const [name, content] of Object.entries(files)) writeFileSync(`${dir}${name}`, content);
console.log(`wrote ${Object.keys(files).length} schemas to docs/oms-schemas/`);
