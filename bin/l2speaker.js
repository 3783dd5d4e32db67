#!/usr/bin/env node
// Entry for `npx l2speaker`: Node 24 runs the TypeScript sources directly (type stripping).
import '../src/speaker/cli.ts';
