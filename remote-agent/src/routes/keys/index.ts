import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AgentContext } from '../../agent-context.ts';
import { badRequest } from '../../lib/http-error.ts';
import { buildVlessUrl } from '../../lib/vless-url.ts';
import { keyJson } from '../../presenters/key-json.ts';
import { commonErrors, ConflictBody, KeyIdParams } from '../../schemas/common.ts';
import { CreateKeyBody, DeleteKeyResponse, Key, KeyConfig, UpdateKeyBody } from './schemas.ts';

const tags = ['keys'];

/** Keys: create, list, read, share config, rename, enable/disable, delete. */
export const keysRoutes: FastifyPluginAsyncTypebox<{ ctx: AgentContext }> = async (app, { ctx }) => {
  app.post(
    '/api/keys',
    {
      schema: {
        tags,
        summary: 'Create a key on its own port',
        body: CreateKeyBody,
        response: { 200: Key, ...commonErrors, 409: ConflictBody },
      },
    },
    async (request) => keyJson(await ctx.keys.create(request.body.name)),
  );

  app.get(
    '/api/keys',
    { schema: { tags, summary: 'List all keys', response: { 200: Type.Array(Key), ...commonErrors } } },
    () => ctx.keys.list().map(keyJson),
  );

  app.get(
    '/api/keys/:key_id',
    { schema: { tags, summary: 'One key', params: KeyIdParams, response: { 200: Key, ...commonErrors } } },
    (request) => keyJson(ctx.keys.get(request.params.key_id)),
  );

  app.patch(
    '/api/keys/:key_id',
    {
      schema: {
        tags,
        summary: 'Rename, enable or disable a key',
        params: KeyIdParams,
        body: UpdateKeyBody,
        response: { 200: Key, ...commonErrors, 409: ConflictBody },
      },
    },
    async (request) => {
      const { name, is_active: isActive } = request.body;
      if (name === undefined && isActive === undefined) throw badRequest('body must give name, is_active or both');
      return keyJson(await ctx.keys.update(request.params.key_id, { name, isActive }));
    },
  );

  app.get(
    '/api/keys/:key_id/config',
    {
      schema: {
        tags,
        summary: 'The key’s vless:// link and QR code text',
        params: KeyIdParams,
        response: { 200: KeyConfig, ...commonErrors },
      },
    },
    (request) => {
      const key = ctx.keys.get(request.params.key_id);
      const realityKeys = ctx.realityKeys;
      const options = ctx.xray.realityOptions;
      const url = buildVlessUrl({
        uuid: key.uuid,
        host: ctx.publicHost,
        port: key.port,
        serverName: options.serverNames[0] ?? '',
        fingerprint: options.fingerprint,
        publicKey: realityKeys.publicKey,
        shortId: realityKeys.shortIds[0] ?? '',
        name: key.name,
      });
      return { key: keyJson(key), vless_url: url, qr_code_data: url };
    },
  );

  app.delete(
    '/api/keys/:key_id',
    {
      schema: {
        tags,
        summary: 'Delete a key, its inbound, rules and history; frees its port',
        params: KeyIdParams,
        response: { 200: DeleteKeyResponse, ...commonErrors },
      },
    },
    async (request) => {
      await ctx.keys.delete(request.params.key_id);
      return { message: 'Key deleted successfully' };
    },
  );
};
