import type { ApiKey, KeyLimits, KeyRequest } from './api-types.ts';

/** At most this many names in one `Keys.createMany`; the core sends them to the agent in batches. */
export const CREATE_MANY_MAX_NAMES = 10_000;

/** One key of a `Keys.createMany`: a bare name, or a name with its own limits (a CSV row's). */
export type KeyBatchEntry = string | KeyRequest;

export interface CreateManyOptions {
  /** Names the server has already (in any letter case) are left out instead of refusing the list. */
  skipExisting?: boolean;
  /** Limits for every key of the list; a row's own limits override them field by field. */
  limits?: KeyLimits;
}

/** How far a `Keys.createMany` has got: `created` of `total` (the names it creates, skipped ones apart). */
export interface CreateManyProgress {
  created: number;
  total: number;
}

export interface CreateManyResult {
  /** In the order of the names given. */
  created: ApiKey[];
  /** The names left out because the server had them already (with `skipExisting`). */
  skipped: string[];
}
