import { Type } from '@sinclair/typebox';
import { KEY_NAME_MAX_CODE_POINTS, KEY_NAME_RULE } from './key-name.ts';
import { commonErrors, ConflictBody, KeyIdParams, Timestamp } from './common.ts';
import { endpoint } from './endpoint.ts';

export const Key = Type.Object({
  id: Type.String({ description: 'the key id used in every /api/keys/{key_id} path (a UUID today; clients treat it as opaque)' }),
  name: Type.String(),
  uuid: Type.String({ description: 'the VLESS client id' }),
  created_at: Timestamp,
  is_active: Type.Boolean(),
  port: Type.Integer({ description: 'the TCP port of this key’s own Xray inbound' }),
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

export const CreateKeyBody = Type.Object({ name: KeyName }, { additionalProperties: false });

export const UpdateKeyBody = Type.Object(
  {
    name: Type.Optional(KeyName),
    is_active: Type.Optional(
      Type.Boolean({ description: 'false disables the key: inbound removed, connections cut, port and history kept' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'a new name (the link’s #fragment follows; 409 when another key has it), is_active, or both',
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
const keyWriteErrors = { ...commonErrors, 409: ConflictBody };

export const createKey = endpoint({
  method: 'POST', path: '/api/keys', tag, summary: 'Create a key on its own port',
  body: CreateKeyBody, response: Key, errors: keyWriteErrors,
});

export const createKeysBulk = endpoint({
  method: 'POST', path: '/api/keys/bulk', tag, summary: 'Create keys for 1-1,000 names, all or none (beyond the spec)',
  body: Type.Object({ names: Type.Array(KeyName, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
  response: Type.Array(Key), errors: keyWriteErrors,
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
  method: 'PATCH', path: '/api/keys/:key_id', tag, summary: 'Rename, enable or disable a key',
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
