/**
 * JSON logs on stdout through winston. Errors are passed as the meta argument
 * (`logger.error('msg', err)`), which keeps their message, code and stack.
 */
import winston from 'winston';

export function createLogger(level: string, component = 'speaker'): winston.Logger {
  return winston.createLogger({
    level,
    defaultMeta: { component },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
}
