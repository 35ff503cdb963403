#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/. The development host's commands
// (`devhost ...`, `demo`) live in their own entry (`npm run build:devhost`), never in the module's.
// The commands that run scans start again in a child node with a bounded heap (see
// src/scan/scan-process-heap.ts) unless NODE_OPTIONS or node flags of the user's say otherwise.
const fs = require('node:fs');
const path = require('node:path');

const DEVHOST_COMMANDS = new Set(['devhost', 'demo']);
const devhostEntry = path.join(__dirname, '../dist/devhost/cli.js');

function entry(command) {
  if (!DEVHOST_COMMANDS.has(command)) return '../dist/src/cli.js';
  if (!fs.existsSync(devhostEntry)) {
    console.error(`"${command}" needs the development host: run \`npm run build:devhost\` first`);
    process.exit(1);
  }
  return devhostEntry;
}

const { relaunchFlags } = require('../dist/src/scan/scan-process-heap.js');
const flags = relaunchFlags(process.argv[2], process.env, process.execArgv);
if (flags) {
  require('../dist/src/scan/relaunch.js').relaunch(
    flags,
    path.join(__dirname, 'sla-vigil.js'),
    process.argv.slice(2),
  );
} else {
  require('../dist/src/scan/relaunch.js').dieWithLauncher();
  require(entry(process.argv[2]))
    .main(process.argv)
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
