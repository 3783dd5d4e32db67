/** The memberlist key from MetalLB's secret: DIR/secretkey read byte for byte, then derived. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metallbKey, sha256Key } from '../wire/index.ts';
import { SecretKeyError } from './errors.ts';

/** 'metallb': first 32 bytes of secret || SHA-256("") (what MetalLB does); 'sha256': SHA-256 of the secret. */
export type KeyDerivation = 'metallb' | 'sha256';

export function readSecretKey(dir: string, derivation: KeyDerivation): Buffer {
  const path = join(dir, 'secretkey');
  let secret: Buffer;
  try {
    secret = readFileSync(path);
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    throw new SecretKeyError(path, message, code);
  }
  if (secret.length === 0) throw new SecretKeyError(path, 'empty file');
  return derivation === 'metallb' ? metallbKey(secret) : sha256Key(secret);
}
