#!/usr/bin/env node
// Entry for `npx l2speaker`: Node 24 runs the TypeScript sources directly (type stripping).
// `l2speaker status|explain ...` inspects; anything else runs the speaker (`l2speaker [flags]`).
const [command] = process.argv.slice(2);
if (command === 'status' || command === 'explain') await import('../src/inspect/main.ts');
else {
  // The speaker's garbage is short-lived and small (plans, frames), so a 2 MB semi-space (default 16 MB)
  // costs a few more scavenges and keeps ~25 MB less resident (bench/plan.ts, README "Scale").
  // Heap sizes are fixed when V8 starts: the process replaces itself (same pid) with the flag set.
  const flag = '--max-semi-space-size=2';
  const set = process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size'));
  if (!set && typeof process.execve === 'function')
    process.execve(process.execPath, [process.execPath, flag, ...process.execArgv, ...process.argv.slice(1)]);
  await import('../src/speaker/cli.ts');
}
