/**
 * JSON logs on stdout through winston. Errors are passed as the meta argument
 * (`logger.error('msg', err)`), which keeps their message, code and stack.
 */
import winston from 'winston';

/** winston's levels below `error`, most important first. */
const QUIETER_LEVELS = ['warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

export function createLogger(level: string, component = 'speaker'): winston.Logger {
  const logger = winston.createLogger({
    level,
    defaultMeta: { component },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
  // winston formats every message (timestamp, JSON) before the transport drops those below the level:
  // the data plane's line per address bound cost a start-up with 10,000 addresses ~10,000 formatted
  // messages. A level that is not written is a no-op instead (child loggers inherit it).
  const silent = (): winston.Logger => logger;
  for (const quieter of QUIETER_LEVELS) if (!logger.isLevelEnabled(quieter)) logger[quieter] = silent;
  return logger;
}
