import { createHash, randomBytes } from 'node:crypto';

/** 192 random bits: 32 base64url characters, beyond guessing at any rate a listener answers. */
const TOKEN_BYTES = 24;

export const newSubscriptionToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');

/** What the in-memory index is keyed by: a lookup's timing then says nothing about the stored tokens. */
export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token).digest();
