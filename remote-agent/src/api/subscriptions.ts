import { Type } from '@sinclair/typebox';
import { commonErrors, KeyIdParams } from './common.ts';
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

export const BundleBody = Type.Object(
  {
    links: Type.Array(Type.String({ maxLength: 4096 }), {
      maxItems: BUNDLE_MAX_LINKS,
      description: `the person’s vless:// links on their other servers, at most ${BUNDLE_MAX_LINKS}, each a well-formed vless:// link`,
      errorMessage: `links must be a list of at most ${BUNDLE_MAX_LINKS} vless:// links`,
    }),
  },
  { additionalProperties: false },
);

/** 400 of a bundle: which link is not a well-formed vless:// link (`index` into links); absent for a body of the wrong shape. */
export const BundleBadRequestBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Literal('bad_link')),
  index: Type.Optional(Type.Integer({ minimum: 0, description: 'bad_link: the position in links of the link refused' })),
});

export const BundleResponse = Type.Object({
  key_id: Type.String(),
  links: Type.Array(Type.String()),
});

export const SubscriptionRotateResponse = Type.Object({
  key_id: Type.String(),
  subscription_url: SubscriptionUrl,
});

const tag = 'subscriptions';
const params = KeyIdParams;

export const putKeyBundle = endpoint({
  method: 'PUT', path: '/api/keys/:key_id/bundle', tag,
  summary: 'The links of the person’s other servers, listed in this key’s subscription beside its own',
  params, body: BundleBody, response: BundleResponse, errors: { ...commonErrors, 400: BundleBadRequestBody },
});

export const getKeyBundle = endpoint({
  method: 'GET', path: '/api/keys/:key_id/bundle', tag,
  summary: 'The links of the person’s other servers this key’s subscription lists',
  params, response: BundleResponse, errors: commonErrors,
});

export const rotateKeySubscription = endpoint({
  method: 'POST', path: '/api/keys/:key_id/subscription/rotate', tag,
  summary: 'A new subscription token for the key; the old URL answers 404 at once',
  params, response: SubscriptionRotateResponse, errors: commonErrors,
});
