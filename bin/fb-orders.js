#!/usr/bin/env node
// Launcher for the operator CLI. In a checkout (src/ present) it registers tsx and runs the
// TypeScript entry point, so edits apply without a build; in the installed package (no src/) it
// runs the compiled dist/cli/main.js with plain node. Paths resolve from this file, not from the
// working directory, so it runs from any cwd.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
