/**
 * memberlist's AES-GCM: `[version][nonce 12][ciphertext][tag 16]`, version 1 plain, version 0 with PKCS7 padding
 * before GCM. The keyring's first key encrypts; every key is tried to decrypt (key rotation).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { WireError } from './errors.ts';

const NONCE_SIZE = 12;
const TAG_SIZE = 16;
const BLOCK_SIZE = 16;

export type EncryptionVersion = 0 | 1;

/** AES keys, primary first. */
export interface Keyring {
  readonly keys: readonly Buffer[];
}

/** Checks every key is 16, 24 or 32 bytes and that there is at least one. */
export function createKeyring(keys: readonly Buffer[]): Keyring {
  if (keys.length === 0)
    throw new WireError('invalid-key', { layer: 'encrypt', field: 'keys' }, 'a keyring needs a key');
  keys.forEach((key, i) => {
    if (![16, 24, 32].includes(key.length)) {
      throw new WireError(
        'invalid-key',
        { layer: 'encrypt', field: `keys[${i}]`, value: key.length },
        'key must be 16, 24 or 32 bytes',
      );
    }
  });
  return { keys: keys.map((key) => Buffer.from(key)) };
}

/** MetalLB's key: Go's `sha256.New().Sum(secret)[:32]`, i.e. the first 32 bytes of secret || SHA-256(""). */
export function metallbKey(secret: Buffer): Buffer {
  return Buffer.concat([secret, createHash('sha256').digest()]).subarray(0, 32);
}

/** A real SHA-256 of the secret (the derivation proposed upstream). */
export function sha256Key(secret: Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Size of an encrypted payload for `length` plaintext bytes. */
export function encryptedLength(version: EncryptionVersion, length: number): number {
  const padded = version === 0 ? length + BLOCK_SIZE - (length % BLOCK_SIZE) : length;
  return 1 + NONCE_SIZE + padded + TAG_SIZE;
}

function cipherName(key: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  if (key.length === 16) return 'aes-128-gcm';
  if (key.length === 24) return 'aes-192-gcm';
  if (key.length === 32) return 'aes-256-gcm';
  throw new WireError(
    'invalid-key',
    { layer: 'encrypt', field: 'key', value: key.length },
    'key must be 16, 24 or 32 bytes',
  );
}

/** Encrypts with the keyring's primary key; `additionalData` is authenticated, not sent. */
export function encryptPayload(
  keyring: Keyring,
  plaintext: Buffer,
  additionalData: Buffer,
  version: EncryptionVersion = 1,
): Buffer {
  const key = keyring.keys[0];
  if (key === undefined)
    throw new WireError('invalid-key', { layer: 'encrypt', field: 'keys' }, 'empty keyring');
  const nonce = randomBytes(NONCE_SIZE);
  const padding = BLOCK_SIZE - (plaintext.length % BLOCK_SIZE);
  const source = version === 0 ? Buffer.concat([plaintext, Buffer.alloc(padding, padding)]) : plaintext;
  const cipher = createCipheriv(cipherName(key), key, nonce);
  cipher.setAAD(additionalData);
  const body = Buffer.concat([cipher.update(source), cipher.final()]);
  return Buffer.concat([Buffer.from([version]), nonce, body, cipher.getAuthTag()]);
}

/** Decrypts with the first key that authenticates; throws WireError 'decrypt-failed' when none does. */
export function decryptPayload(keyring: Keyring, payload: Buffer, additionalData: Buffer): Buffer {
  if (payload.length === 0)
    throw new WireError('truncated', { layer: 'encrypt', field: 'version', offset: 0 }, 'empty payload');
  const version = payload[0] as number;
  if (version > 1)
    throw new WireError(
      'invalid-format',
      { layer: 'encrypt', field: 'version', offset: 0, value: version },
      'unknown encryption version',
    );
  if (payload.length < encryptedLength(version as EncryptionVersion, 0)) {
    throw new WireError(
      'truncated',
      { layer: 'encrypt', offset: 0, value: payload.length },
      'payload shorter than nonce and tag',
    );
  }
  const nonce = payload.subarray(1, 1 + NONCE_SIZE);
  const body = payload.subarray(1 + NONCE_SIZE, payload.length - TAG_SIZE);
  const tag = payload.subarray(payload.length - TAG_SIZE);
  for (const key of keyring.keys) {
    const plain = tryDecrypt(key, nonce, body, tag, additionalData);
    if (plain !== undefined) return version === 0 ? unpad(plain) : plain;
  }
  throw new WireError(
    'decrypt-failed',
    { layer: 'encrypt', value: keyring.keys.length },
    'no installed key could decrypt the message',
  );
}

function tryDecrypt(
  key: Buffer,
  nonce: Buffer,
  body: Buffer,
  tag: Buffer,
  additionalData: Buffer,
): Buffer | undefined {
  const decipher = createDecipheriv(cipherName(key), key, nonce);
  decipher.setAAD(additionalData);
  decipher.setAuthTag(tag);
  const plain = decipher.update(body);
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    // final() throws exactly when the tag does not authenticate under this key: try the next one.
    return undefined;
  }
}

function unpad(plain: Buffer): Buffer {
  const padding = plain.length === 0 ? 0 : (plain[plain.length - 1] as number);
  if (padding < 1 || padding > BLOCK_SIZE || padding > plain.length) {
    throw new WireError(
      'invalid-format',
      { layer: 'encrypt', field: 'padding', value: padding },
      'bad PKCS7 padding',
    );
  }
  return plain.subarray(0, plain.length - padding);
}
