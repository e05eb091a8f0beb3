import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Path of the workflow entry point for the bundler: the .ts source when running from src with tsx,
 * the compiled .js otherwise.
 */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}
