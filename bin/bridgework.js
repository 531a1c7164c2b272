#!/usr/bin/env node
// Runs the compiled CLI (npm install builds it; `npm run build` rebuilds it).
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'src', 'cli', 'index.js');
require(cli).run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => { console.error(`bridgework: ${err instanceof Error ? err.message : String(err)}`); process.exit(1); },
);
