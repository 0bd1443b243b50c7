#!/usr/bin/env node
// The `cell0` command: runs the built CLI (npm run build makes out/main/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('cell0: not built yet. Run `npm run build` in the Cell 0 folder first.\n');
  process.exit(2);
}
const { main } = await import(cli);
await main(process.argv.slice(2));
