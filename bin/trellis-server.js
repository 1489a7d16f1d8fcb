#!/usr/bin/env node
// The `trellis-server` command: the server bundle that `npm run build` makes (dist/server).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('trellis-server: dist/server is missing: run `npm run build` first');
  process.exit(1);
}
await import(cli.href);
