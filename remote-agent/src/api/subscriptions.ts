import { Type } from '@sinclair/typebox';
import { commonErrors, KeyIdParams, Timestamp } from './common.ts';
import { DATA_LIMIT_MAX_BYTES, UTC_TIMESTAMP_PATTERN } from './key-limits.ts';
import { endpoint } from './endpoint.ts';

/**
 * People and subscriptions (beyond the spec). A person is one VLESS uuid across servers; each
 * agent may serve, on an opt-in public listener (`--subscription-listen HOST:PORT`), only
 * `GET /sub/{token}`: the person's links on every server, in the formats client apps import.
 */

/** A VLESS client id as Xray takes it: 8-4-4-4-12 hex digits, any letter case (the agent stores it lower case). */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const KeyUuid = Type.String({
  pattern: UUID_PATTERN,
  description: 'the VLESS client id to give the key (the same person on another server); a random one when left out',
  errorMessage: 'uuid must be a UUID such as 9b2f4c7e-1a2b-4c3d-8e9f-0123456789ab',
});

/** The most links of a person's other servers one key's bundle holds. */
export const BUNDLE_MAX_LINKS = 50;

export const SubscriptionUrl = Type.Union([Type.String(), Type.Null()], {
  description: 'the key’s subscription link (GET /sub/{token} on the agent’s public listener); null while subscriptions are off',
});

const BundleLinks = Type.Array(Type.String({ maxLength: 4096 }), {
  maxItems: BUNDLE_MAX_LINKS,
  description: `the person’s vless:// links on their other servers, at most ${BUNDLE_MAX_LINKS}, each a well-formed vless:// link`,
  errorMessage: `links must be a list of at most ${BUNDLE_MAX_LINKS} vless:// links`,
});

/** The largest byte figure taken: 2^53 - 1, the most a JSON number holds exactly (as data_limit_bytes). */
const USAGE_MAX_BYTES = DATA_LIMIT_MAX_BYTES;

/**
 * What the person has used and may use on their other servers, as the console last synced them:
 * the other half of this key's `subscription-userinfo`. The agent cannot see the other servers,
 * so it keeps what the console pushed, and serves it while the console is closed.
 */
export const BundleUsage = Type.Object(
  {
    used_bytes: Type.Integer({
      minimum: 0,
      maximum: USAGE_MAX_BYTES,
      description: 'used_bytes of the person’s keys on their other servers summed: each key’s current quota period (rx + tx), as last synced',
      errorMessage: 'usage.used_bytes must be a whole number of bytes, 0 or more',
    }),
    limit_bytes: Type.Union([Type.Integer({ minimum: 0, maximum: USAGE_MAX_BYTES }), Type.Null()], {
      description: 'data_limit_bytes of those keys summed; null when any of them has no quota (the person is then unlimited)',
      errorMessage: 'usage.limit_bytes must be a whole number of bytes, 0 or more, or null when any of the keys has no quota',
    }),
    synced_at: Type.String({
      pattern: UTC_TIMESTAMP_PATTERN,
      description:
        'when these figures were taken: the oldest of the console’s last syncs of those servers (UTC, as the spec writes ' +
        'timestamps; a trailing Z is taken). Figures that did not change are not pushed again, so it may be older than the last sync',
      errorMessage: 'usage.synced_at must be a UTC timestamp such as 2026-12-02T06:00:00.000000',
    }),
  },
  {
    additionalProperties: false,
    description:
      'the person’s figures on their other servers, which the subscription’s `subscription-userinfo` header adds to this key’s own: ' +
      'download = this key’s used_bytes + used_bytes, total = this key’s data_limit_bytes + limit_bytes (0, which apps show as ' +
      'unlimited, when either has no quota), expire = this key’s expires_at. Apps (v2rayN, v2rayNG, Hiddify, Streisand) show ' +
      'upload + download against total as the person’s traffic used of their quota on all their servers ("12.3 GB / 50 GB", a bar), ' +
      'total 0 as no limit, and expire as the day the subscription ends (0: never). Keys the admin has disabled do not count ' +
      '(the bundle offers no link of theirs either)',
  },
);

const UsageField = Type.Optional(
  Type.Union([BundleUsage, Type.Null()], {
    description: 'the person’s figures on their other servers; null: none (the header has this key’s alone); left out: kept as they are',
  }),
);

export const BundleBody = Type.Object({ links: BundleLinks, usage: UsageField }, { additionalProperties: false });

/** 400 of a bundle: which link is not a well-formed vless:// link (`index` into links), or which usage field is refused. */
export const BundleBadRequestBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Union([Type.Literal('bad_link'), Type.Literal('bad_usage')])),
  index: Type.Optional(Type.Integer({ minimum: 0, description: 'bad_link: the position in links of the link refused' })),
  field: Type.Optional(Type.String({ description: 'bad_usage: the field of usage refused (used_bytes, limit_bytes, synced_at; usage for the object itself)' })),
});

const UsageJson = Type.Union([
  Type.Object({ used_bytes: Type.Integer({ minimum: 0 }), limit_bytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]), synced_at: Timestamp }),
  Type.Null(),
], { description: 'the person’s figures on their other servers as last pushed; null when none were' });

export const BundleResponse = Type.Object({
  key_id: Type.String(),
  links: Type.Array(Type.String()),
  usage: UsageJson,
});

/** The most keys one bulk bundle write takes. */
export const BUNDLES_BULK_MAX = 1000;
/** The largest body of a bulk bundle write; a client splits its entries to stay under it. */
export const BUNDLES_BULK_MAX_BODY_BYTES = 8 * 1024 * 1024;

export const BundlesBody = Type.Object(
  {
    bundles: Type.Array(
      Type.Object(
        {
          key_id: Type.String({ maxLength: 256, description: 'the key whose bundle this is (its id, as in /api/keys/{key_id})' }),
          links: Type.Optional(BundleLinks),
          usage: UsageField,
        },
        { additionalProperties: false, description: 'links, usage or both; what is left out is kept as it is' },
      ),
      {
        minItems: 1,
        maxItems: BUNDLES_BULK_MAX,
        errorMessage: `bundles must be a list of 1-${BUNDLES_BULK_MAX} bundles, each {key_id, and links, usage or both}`,
        description: `1-${BUNDLES_BULK_MAX} keys’ bundles, each key once`,
      },
    ),
  },
  { additionalProperties: false },
);

/** 400 of a bulk bundle write: which entry (`index` into bundles), and what of it, is refused; absent for a body of the wrong shape. */
export const BundlesBadRequestBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(
    Type.Union([Type.Literal('bad_link'), Type.Literal('bad_usage'), Type.Literal('unknown_key'), Type.Literal('duplicate_key'), Type.Literal('empty_bundle')]),
  ),
  index: Type.Optional(Type.Integer({ minimum: 0, description: 'the position in bundles of the entry refused' })),
  link_index: Type.Optional(Type.Integer({ minimum: 0, description: 'bad_link: the position in that entry’s links of the link refused' })),
  field: Type.Optional(Type.String({ description: 'bad_usage: the field of usage refused (used_bytes, limit_bytes, synced_at; usage for the object itself)' })),
  key_id: Type.Optional(Type.String({ description: 'unknown_key: the key_id no key of this server has' })),
  duplicate_of: Type.Optional(Type.Integer({ minimum: 0, description: 'duplicate_key: the earlier position with the same key_id' })),
});

export const BundlesResponse = Type.Object({
  updated: Type.Integer({ minimum: 0, description: 'how many keys’ bundles were written (all of them)' }),
});

export const SubscriptionRotateResponse = Type.Object({
  key_id: Type.String(),
  subscription_url: SubscriptionUrl,
});

const tag = 'subscriptions';
const params = KeyIdParams;

export const putKeyBundle = endpoint({
  method: 'PUT', path: '/api/keys/:key_id/bundle', tag,
  summary: 'The links of the person’s other servers, listed in this key’s subscription beside its own, and their usage there',
  params, body: BundleBody, response: BundleResponse, errors: { ...commonErrors, 400: BundleBadRequestBody },
});

export const getKeyBundle = endpoint({
  method: 'GET', path: '/api/keys/:key_id/bundle', tag,
  summary: 'The links of the person’s other servers this key’s subscription lists, and their usage there',
  params, response: BundleResponse, errors: commonErrors,
});

export const putBundles = endpoint({
  method: 'PUT', path: '/api/bundles', tag,
  summary: 'Many keys’ bundles at once, all or none (beyond the spec): links, usage or both per key',
  body: BundlesBody, response: BundlesResponse, bodyLimitBytes: BUNDLES_BULK_MAX_BODY_BYTES,
  errors: { ...commonErrors, 400: BundlesBadRequestBody },
});

export const rotateKeySubscription = endpoint({
  method: 'POST', path: '/api/keys/:key_id/subscription/rotate', tag,
  summary: 'A new subscription token for the key; the old URL answers 404 at once',
  params, response: SubscriptionRotateResponse, errors: commonErrors,
});
