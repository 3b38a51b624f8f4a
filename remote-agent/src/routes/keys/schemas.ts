import { Type } from '@sinclair/typebox';
import { Timestamp } from '../../schemas/common.ts';

export const Key = Type.Object({
  id: Type.String({ description: 'the key id (UUID) used in every /api/keys/{key_id} path' }),
  name: Type.String(),
  uuid: Type.String({ description: 'the VLESS client id' }),
  created_at: Timestamp,
  is_active: Type.Boolean(),
  port: Type.Integer({ description: 'the TCP port of this key’s own Xray inbound' }),
});

const NAME_RULE = 'name must be 1-100 characters: letters, digits, spaces and @ . _ + - (no leading or trailing space)';

export const KeyName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[\\p{L}\\p{M}\\p{N}@._+\\-]([\\p{L}\\p{M}\\p{N}@._+\\- ]*[\\p{L}\\p{M}\\p{N}@._+\\-])?$',
  errorMessage: NAME_RULE,
  description: NAME_RULE,
});

export const CreateKeyBody = Type.Object({ name: KeyName }, { additionalProperties: false });

export const UpdateKeyBody = Type.Object(
  { is_active: Type.Boolean({ description: 'false disables the key: inbound removed, connections cut, port and history kept' }) },
  { additionalProperties: false },
);

export const KeyConfig = Type.Object({
  key: Key,
  vless_url: Type.String(),
  qr_code_data: Type.String({ description: 'the text to encode in the QR code (the vless:// link)' }),
});

export const DeleteKeyResponse = Type.Object({ message: Type.String() });
