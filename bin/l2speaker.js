#!/usr/bin/env node
// Entry for `npx l2speaker`: Node 24 runs the TypeScript sources directly (type stripping).
// `l2speaker status|explain ...` inspects; anything else runs the speaker (`l2speaker [flags]`).
const [command] = process.argv.slice(2);
if (command === 'status' || command === 'explain') await import('../src/inspect/main.ts');
else await import('../src/speaker/cli.ts');
