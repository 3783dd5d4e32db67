/**
 * What a request carries to prove who sends it: a bearer token, a token file (re-read once a minute, as
 * client-go does: kubelet rotates projected service-account tokens in place) or basic auth.
 */
import { readFileSync } from 'node:fs';
import { KubeConfigError } from './errors.ts';

/** The Authorization header for the next request, or undefined. @throws KubeConfigError */
export type Authorization = () => string | undefined;

/** How long a token read from a file is used before the file is read again. */
export const TOKEN_FILE_REREAD_MS = 60_000;

export const noAuthorization: Authorization = () => undefined;

export function bearerToken(token: string): Authorization {
  const header = `Bearer ${token}`;
  return () => header;
}

export function basicAuth(username: string, password: string): Authorization {
  const header = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return () => header;
}

/**
 * A token file, read now (so a missing file fails at start) and again when the last read is a minute
 * old. A failed re-read throws: the request fails with the reason instead of sending a stale token.
 */
export function tokenFile(
  path: string,
  source: string,
  field: string,
  now: () => number = Date.now,
): Authorization {
  const read = (): string => {
    let token: string;
    try {
      token = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new KubeConfigError(source, `cannot read token file ${path}: ${(err as Error).message}`, {
        field,
        cause: err,
      });
    }
    if (token === '') throw new KubeConfigError(source, `token file ${path} is empty`, { field });
    return `Bearer ${token}`;
  };
  let header = read();
  let readAt = now();
  return () => {
    if (now() - readAt >= TOKEN_FILE_REREAD_MS) {
      header = read();
      readAt = now();
    }
    return header;
  };
}
