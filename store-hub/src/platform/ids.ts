import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Public ids are UUIDv4 (§0.2) so records created offline never collide with cloud ones. */
export const newId = (): string => randomUUID();

/** An opaque bearer token with 256 bits of entropy. */
export const newToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** A human-typeable numeric code (pairing, age-check session). */
export const numericCode = (digits: number): string =>
  String(randomInt(0, 10 ** digits)).padStart(digits, '0');

export const nowIso = (): string => new Date().toISOString();
