#!/usr/bin/env node
// The `eventspec` command. It starts loading the TypeScript compiler for the verify stage on
// another thread at once, when the command will need it; `main` closes that thread on every path.
import { needsVerifier, startVerifier } from '../pipeline/verify/verifier.ts';
import { main } from './main.ts';

const argv = process.argv.slice(2);
process.exitCode = await main(argv, undefined, needsVerifier(argv) ? startVerifier() : undefined);
