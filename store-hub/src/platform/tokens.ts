import { createHash } from 'node:crypto';

/** Tokens are random (256 bits), so a fast hash is enough: the hub stores only this. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
