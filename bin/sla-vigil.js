#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/.
require('../dist/src/cli.js')
  .main(process.argv)
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
