#!/usr/bin/env node
// The `eventspec` command. It starts loading the TypeScript compiler for the verify stage on
// another thread at once, when the command will need it, and only then loads the rest of the
// CLI (yaml, zod, handlebars: a tenth of a second), so the two overlap; `main` closes that
// thread on every path.
import { needsVerifier, startVerifier } from '../pipeline/verify/verifier.ts';

const argv = process.argv.slice(2);
const verifier = needsVerifier(argv) ? startVerifier() : undefined;
const { main } = await import('./main.ts');
process.exitCode = await main(argv, undefined, verifier);
