#!/usr/bin/env node
// The server is TypeScript run by tsx (never compiled ahead of time): register its loader, then run the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../sync-server/cli/main.ts');
