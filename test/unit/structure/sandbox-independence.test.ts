/**
 * The sandbox (sandbox/) is the fake Meta the product is tested against, written from Meta's
 * documentation. It must share no code with the product (src/): a carrier or reason-code list
 * imported from src/ would make the fake accept exactly what the product sends, so a wrong list
 * could never fail a test. The other way round, product code must not lean on the fake either;
 * only src/main.ts, the demo entry point, starts it. Tests, bench/ and scripts/ may use both.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, importsOfText, sourceFilesUnder, type ModuleImport } from './module-imports.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(REPO_ROOT, 'src');
const SANDBOX = join(REPO_ROOT, 'sandbox');
/** The demo entry point (`npm start`) starts the sandbox: the one product file allowed to. */
const DEMO_ENTRY = join(SRC, 'main.ts');

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Where a relative specifier points; bare ones (packages, node:*) point at no repository folder. */
function target(file: string, specifier: string): string | undefined {
  return specifier.startsWith('.') || isAbsolute(specifier) ? resolve(dirname(file), specifier) : undefined;
}

/** "sandbox/x.ts:6 imports '../src/y.js'" for each import of `file` that lands inside `forbidden`. */
function violations(
  file: string,
  imports: readonly ModuleImport[],
  forbidden: string,
  checkUnresolvable: boolean,
): string[] {
  const where = (line: number) => `${relative(REPO_ROOT, file)}:${line}`;
  return imports.flatMap(({ specifier, line }) => {
    if (specifier === null)
      return checkUnresolvable ? [`${where(line)} imports a computed module name, which this check cannot follow`] : [];
    const path = target(file, specifier);
    return path !== undefined && isInside(forbidden, path)
      ? [`${where(line)} imports '${specifier}' (${relative(REPO_ROOT, path)})`]
      : [];
  });
}

describe('the sandbox shares no code with the product', () => {
  const sandboxFiles = sourceFilesUnder(SANDBOX);
  const srcFiles = sourceFilesUnder(SRC);

  it('finds the sources it checks', () => {
    expect(sandboxFiles.length).toBeGreaterThan(30);
    expect(srcFiles.length).toBeGreaterThan(30);
    expect(sandboxFiles).toContain(join(SANDBOX, 'index.ts'));
    expect(existsSync(DEMO_ENTRY)).toBe(true);
  });

  it('no file under sandbox/ imports anything in src/', () => {
    const offending = sandboxFiles.flatMap((file) => violations(file, importsOf(file), SRC, true));
    expect(offending, `sandbox/ must not import product code:\n${offending.join('\n')}`).toEqual([]);
  });

  it('no file under src/ imports the sandbox, except src/main.ts (the demo)', () => {
    const offending = srcFiles
      .filter((file) => file !== DEMO_ENTRY)
      .flatMap((file) => violations(file, importsOf(file), SANDBOX, false));
    expect(offending, `src/ must not import the sandbox:\n${offending.join('\n')}`).toEqual([]);
  });

  it('sees the one allowed import, src/main.ts starting the sandbox (so the scan does find imports)', () => {
    expect(violations(DEMO_ENTRY, importsOf(DEMO_ENTRY), SANDBOX, false).length).toBeGreaterThan(0);
  });

  it('catches every import form, and ignores look-alikes in comments and strings', () => {
    const file = join(SANDBOX, 'example.ts');
    const text = [
      "import { a } from '../src/domain/money.js';",
      "import type { B } from '../src/domain/ledger.js';",
      "import '../src/observability/setup.js';",
      "export { c } from '../src/domain/commands.js';",
      "export * from '../src/graph/index.js';",
      "const d = await import('../src/graph/client.js');",
      "type E = typeof import('../src/domain/reason-codes.js');",
      "import f = require('../src/config.js');",
      'const g = await import(`../src/${name}.js`);',
      "// import { h } from '../src/domain/money.js';",
      'const i = "import { j } from \'../src/domain/money.js\'";',
      "import { k } from './money.js';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(violations(file, importsOfText(file, text), SRC, true)).toEqual([
      "sandbox/example.ts:1 imports '../src/domain/money.js' (src/domain/money.js)",
      "sandbox/example.ts:2 imports '../src/domain/ledger.js' (src/domain/ledger.js)",
      "sandbox/example.ts:3 imports '../src/observability/setup.js' (src/observability/setup.js)",
      "sandbox/example.ts:4 imports '../src/domain/commands.js' (src/domain/commands.js)",
      "sandbox/example.ts:5 imports '../src/graph/index.js' (src/graph/index.js)",
      "sandbox/example.ts:6 imports '../src/graph/client.js' (src/graph/client.js)",
      "sandbox/example.ts:7 imports '../src/domain/reason-codes.js' (src/domain/reason-codes.js)",
      "sandbox/example.ts:8 imports '../src/config.js' (src/config.js)",
      'sandbox/example.ts:9 imports a computed module name, which this check cannot follow',
    ]);
  });
});
