import { Type } from '@sinclair/typebox';
import { KEY_NAME_MAX_CODE_POINTS, KEY_NAME_RULE } from './key-name.ts';
import { commonErrors, ConflictBody, KeyIdParams, Timestamp } from './common.ts';
import { endpoint } from './endpoint.ts';
import { KeyLimitsFields, KeyLimitsState } from './key-limits.ts';
import { KeyUuid, SubscriptionUrl } from './subscriptions.ts';

export const Key = Type.Object({
  id: Type.String({ description: 'the key id used in every /api/keys/{key_id} path (a UUID today; clients treat it as opaque)' }),
  name: Type.String(),
  uuid: Type.String({ description: 'the VLESS client id' }),
  created_at: Timestamp,
  is_active: Type.Boolean(),
  port: Type.Integer({ description: 'the TCP port of this key’s own Xray inbound' }),
  ...KeyLimitsState,
  subscription_url: SubscriptionUrl,
});

// The schema bounds the text; the rule itself (characters as a reader counts them, which characters)
// is checked by checkKeyName, beyond what a JSON-schema pattern can say.
export const KeyName = Type.String({
  minLength: 1,
  maxLength: KEY_NAME_MAX_CODE_POINTS,
  errorMessage: KEY_NAME_RULE,
  description: KEY_NAME_RULE,
  examples: ['user@example.com', 'Мама 📱'],
});

export const CreateKeyBody = Type.Object({ name: KeyName, uuid: Type.Optional(KeyUuid), ...KeyLimitsFields }, { additionalProperties: false });

/** The most names one bulk create takes. */
export const BULK_CREATE_MAX_NAMES = 1000;

/**
 * Either `names` with limits shared by all of them, or `keys`, each with its own (a CSV's rows);
 * exactly one of the two. The spec's shape, `{"names": [...]}`, is the first.
 */
export const CreateKeysBody = Type.Object(
  {
    names: Type.Optional(
      Type.Array(KeyName, {
        minItems: 1,
        maxItems: BULK_CREATE_MAX_NAMES,
        errorMessage: `names must be a list of 1-${BULK_CREATE_MAX_NAMES} key names`,
        description: `1-${BULK_CREATE_MAX_NAMES} names, each by the rule of one key's name, no two alike (as names are compared) and none a key has; the limits beside names apply to each`,
      }),
    ),
    keys: Type.Optional(
      Type.Array(CreateKeyBody, {
        minItems: 1,
        maxItems: BULK_CREATE_MAX_NAMES,
        errorMessage: `keys must be a list of 1-${BULK_CREATE_MAX_NAMES} keys, each {name, and optionally data_limit_bytes, data_limit_reset, expires_at, note}`,
        description: `instead of names: 1-${BULK_CREATE_MAX_NAMES} keys, each with its own limits`,
      }),
    ),
    ...KeyLimitsFields,
  },
  { additionalProperties: false, description: 'exactly one of names (with shared limits beside it) or keys' },
);

/** 400 of a bulk create: which name is bad (`index` into `names`) when one is; absent for a body of the wrong shape. */
export const BulkBadRequestBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Union([Type.Literal('bad_name'), Type.Literal('duplicate_name'), Type.Literal('duplicate_uuid'), Type.Literal('bad_limits')])),
  index: Type.Optional(Type.Integer({ minimum: 0, description: 'the position in names (or keys) of the name or limits refused' })),
  field: Type.Optional(Type.String({ description: 'bad_limits: which field (expires_at, note, ...)' })),
  duplicate_of: Type.Optional(Type.Integer({ minimum: 0, description: 'duplicate_name, duplicate_uuid: the earlier position with the same name or uuid' })),
});

/** 409 of a bulk create: a name a key has (which, and whose), or not enough free ports for all. */
export const BulkConflictBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Union([Type.Literal('name_taken'), Type.Literal('ports_exhausted'), Type.Literal('uuid_taken')]),
  key_id: Type.Optional(Type.String({ description: 'name_taken or uuid_taken: the key that has the name or the uuid' })),
  index: Type.Optional(Type.Integer({ minimum: 0, description: 'name_taken or uuid_taken: the position in names (or keys) of it' })),
  requested: Type.Optional(Type.Integer({ minimum: 0, description: 'ports_exhausted: how many keys were asked for' })),
  available: Type.Optional(Type.Integer({ minimum: 0, description: 'ports_exhausted: how many free ports the range has now' })),
});

// Room for the longest names (4 bytes per code point in UTF-8) and the JSON around them.
const BULK_BODY_LIMIT_BYTES = BULK_CREATE_MAX_NAMES * (KEY_NAME_MAX_CODE_POINTS * 4 + 8) + 64;

export const UpdateKeyBody = Type.Object(
  {
    name: Type.Optional(KeyName),
    is_active: Type.Optional(
      Type.Boolean({ description: 'false disables the key: inbound removed, connections cut, port and history kept' }),
    ),
    ...KeyLimitsFields,
  },
  {
    additionalProperties: false,
    description:
      'any of: a new name (the link’s #fragment follows; 409 when another key has it), is_active, and the limits ' +
      '(null clears data_limit_bytes or expires_at); nothing changes when any field is refused',
  },
);

export const KeyConfig = Type.Object({
  key: Key,
  vless_url: Type.String(),
  qr_code_data: Type.String({ description: 'the text to encode in the QR code (the vless:// link)' }),
});

export const DeleteKeyResponse = Type.Object({ message: Type.String() });

const tag = 'keys';
const params = KeyIdParams;
/** 400 of a create or an update: reason bad_limits and the field when a limit is refused past the schema (a date that does not exist). */
export const KeyBadRequestBody = Type.Object({
  status: Type.Literal('error'),
  detail: Type.String(),
  reason: Type.Optional(Type.Literal('bad_limits')),
  field: Type.Optional(Type.String({ description: 'bad_limits: which field (expires_at, note, ...)' })),
});

const keyWriteErrors = { ...commonErrors, 400: KeyBadRequestBody, 409: ConflictBody };

export const createKey = endpoint({
  method: 'POST', path: '/api/keys', tag, summary: 'Create a key on its own port',
  body: CreateKeyBody, response: Key, errors: keyWriteErrors,
});

export const createKeys = endpoint({
  method: 'POST', path: '/api/keys/bulk', tag,
  summary: 'Create many keys at once, all or none (beyond the spec); answers them in the order of names',
  body: CreateKeysBody, response: Type.Array(Key), successStatus: 201, bodyLimitBytes: BULK_BODY_LIMIT_BYTES,
  errors: { ...commonErrors, 400: BulkBadRequestBody, 409: BulkConflictBody },
});

export const listKeys = endpoint({
  method: 'GET', path: '/api/keys', tag, summary: 'List all keys',
  response: Type.Array(Key), errors: commonErrors,
});

export const getKey = endpoint({
  method: 'GET', path: '/api/keys/:key_id', tag, summary: 'One key',
  params, response: Key, errors: commonErrors,
});

export const updateKey = endpoint({
  method: 'PATCH', path: '/api/keys/:key_id', tag, summary: 'Rename, enable or disable a key, or change its limits',
  params, body: UpdateKeyBody, response: Key, errors: keyWriteErrors,
});

export const getKeyConfig = endpoint({
  method: 'GET', path: '/api/keys/:key_id/config', tag, summary: 'The key’s vless:// link and QR code text',
  params, response: KeyConfig, errors: commonErrors,
});

export const deleteKey = endpoint({
  method: 'DELETE', path: '/api/keys/:key_id', tag, summary: 'Delete a key, its inbound, rules and history; frees its port',
  params, response: DeleteKeyResponse, errors: commonErrors,
});
