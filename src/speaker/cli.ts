/**
 * `l2speaker` command: parses flags, starts the speaker, stops it cleanly on SIGTERM/SIGINT.
 * Exit codes: 0 after a clean stop, 1 when start-up fails (bad config, missing capability), 2 on bad usage.
 */
import { parseOptions, USAGE, UsageError } from './options.ts';
import { createLogger } from './logger.ts';
import { startSpeaker } from './speaker.ts';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`l2speaker: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = createLogger(options.logLevel);
  let speaker;
  try {
    speaker = await startSpeaker(options, logger);
  } catch (err) {
    logger.error('cannot start', err);
    return 1;
  }
  const running = speaker;
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info('stopping', { signal });
      running.stop().then(resolve, (err: unknown) => {
        logger.error('stop failed', err);
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

process.exitCode = await main();
