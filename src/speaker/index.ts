/**
 * The speaker: composition root (flags, wiring, lifecycle). Run it as `npx l2speaker --config FILE --node-name NAME`.
 *
 * @example
 *   const options = parseOptions(['--config', 'l2.yaml', '--node-name', 'node-a'], process.env);
 *   const speaker = await startSpeaker(options!, createLogger('info'));
 *   await speaker.stop();
 */
export { parseOptions, USAGE, UsageError, type SpeakerOptions } from './options.ts';
export { createLogger } from './logger.ts';
export { startSpeaker, type Speaker } from './speaker.ts';
