import { createLogger } from '../../../src/speaker/logger.ts';

describe('createLogger', () => {
  test('a level below the configured one is not even formatted, in child loggers too', () => {
    const logger = createLogger('warn');
    const write = jest.spyOn(logger, 'write').mockReturnValue(true);
    const child = logger.child({ component: 'dataplane' });
    logger.info('answering', { ip: '192.0.2.1' });
    child.info('answering', { ip: '192.0.2.1' });
    child.debug('detail');
    expect(write).not.toHaveBeenCalled();
    child.warn('conflict', { ip: '192.0.2.1' });
    logger.error('failed');
    expect(write.mock.calls.map(([info]) => [info.level, info.message])).toEqual([
      ['warn', 'conflict'],
      ['error', 'failed'],
    ]);
  });

  test('the configured level and those above it are written', () => {
    const logger = createLogger('debug');
    const write = jest.spyOn(logger, 'write').mockReturnValue(true);
    logger.debug('detail');
    logger.info('answering');
    expect(write.mock.calls.map(([info]) => info.level)).toEqual(['debug', 'info']);
    expect(logger.isLevelEnabled('silly')).toBe(false);
  });
});
