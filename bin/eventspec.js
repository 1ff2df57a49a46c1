#!/usr/bin/env node
// The CLI runs from its TypeScript source through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../codegen/cli.ts');
process.exitCode = main(process.argv.slice(2));
