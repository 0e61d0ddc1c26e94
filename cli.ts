#!/usr/bin/env node
// clawtrail command line entry: the program is built in cli/program.ts; this file runs it and turns an error into
// one clear message and exit code 1.
import { safeText } from './lib/output.js';
import { EXIT } from './cli/common.js';
import { buildProgram } from './cli/program.js';

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    process.stderr.write(`clawtrail: ${String((err as Error).message).split('\n').map((l) => safeText(l)).join('\n  ')}\n`);
    process.exitCode = EXIT.error;
  }
}

await main();
