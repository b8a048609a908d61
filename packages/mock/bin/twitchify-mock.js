#!/usr/bin/env node
// The emulator's command. A committed shim, so that npm links the bin on a fresh clone before anything is built;
// it runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    'twitchify-mock: the emulator is not built yet (no dist/cli.js). Run `npm run build` at the repository root, then run this command again.\n',
  );
  process.exit(1);
}
await import(cli.href);
