#!/usr/bin/env node
// Launcher for the operator CLI: registers tsx in this process and loads the TypeScript entry point.
// Paths resolve from this file, not from the working directory, so it runs from any cwd.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import(new URL('../src/cli/main.ts', import.meta.url).href);
