#!/usr/bin/env node
// The package's bin: runs the bundled CLI (dist/cli/index.js), so it works from a checkout and an install.
process.env.DEPLOY_KIT_CLI_ENTRY = '1';
await import('../dist/cli/index.js');
