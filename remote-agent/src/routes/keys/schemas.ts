import { Type } from '@sinclair/typebox';
import { KEY_NAME_MAX_CODE_POINTS, KEY_NAME_RULE } from '../../lib/key-name.ts';
import { Timestamp } from '../../schemas/common.ts';

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
