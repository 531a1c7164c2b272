// Encryption at rest of second-factor secrets. A TOTP secret must be readable by the server (it
// computes the codes), so it cannot be hashed like a password; it is encrypted with AES-256-GCM
// under a key derived from the session secret by HKDF-SHA256 (its own `info`, so the key is used
// for nothing else). A copy of the database alone (a backup, a dump) then does not give anyone's
// second factor. The user's id is the associated data: a ciphertext moved to another user's row
// does not decrypt.
//
// Changing SESSION_SECRET makes the stored secrets unreadable, unless the old secret is given as
// SESSION_SECRET_PREVIOUS: secrets sealed under it still open, and are sealed again under the
// current key when next used (`resealed`). Without it, those users sign in with a recovery code
// (kept as hashes, not under this key) or have an administrator reset the factor.
import crypto from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  seal(userId: number, plain: string): string;
  /** The plain text, or null when it cannot be opened (another key, or tampered with). */
  open(userId: number, sealed: string): string | null;
  /** For a value that opens only under a previous secret's key: the same text sealed under the current key; else null. */
  resealed(userId: number, sealed: string): string | null;
}

const keyOf = (secret: string) => Buffer.from(crypto.hkdfSync('sha256', secret, 'bridgework', 'second-factor secret v1', 32));
const aad = (userId: number) => Buffer.from(`user:${userId}`);

function openWith(key: Buffer, userId: number, sealed: string): string | null {
  const [version, data] = sealed.split('.');
  if (version !== VERSION || !data) return null;
  const raw = Buffer.from(data, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export function createSecretBox(sessionSecret: string, previousSecrets: readonly string[] = []): SecretBox {
  const key = keyOf(sessionSecret);
  const previousKeys = previousSecrets.map(keyOf);
  const openWithPrevious = (userId: number, sealed: string): string | null => {
    for (const old of previousKeys) {
      const plain = openWith(old, userId, sealed);
      if (plain !== null) return plain;
    }
    return null;
  };
  const seal = (userId: number, plain: string): string => {
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(userId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  };
  return {
    seal,
    open: (userId, sealed) => openWith(key, userId, sealed) ?? openWithPrevious(userId, sealed),
    resealed(userId, sealed) {
      if (openWith(key, userId, sealed) !== null) return null;
      const plain = openWithPrevious(userId, sealed);
      return plain === null ? null : seal(userId, plain);
    },
  };
}
