import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { createKey, createKeys, deleteKey, getKey, getKeyConfig, listKeys, updateKey } from '../../api/keys.ts';
import { route } from '../../http/route.ts';
import { badRequest } from '../../lib/http-error.ts';
import { buildVlessUrl } from '../../lib/vless-url.ts';
import { keyJson } from '../../presenters/key-json.ts';

/** Keys: create (one or many), list, read, share config, rename, enable/disable, delete. */
export const keysRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  route(app, createKey, async (request) => keyJson(await ctx.keys.create(request.body.name)));

  route(app, createKeys, async (request) => (await ctx.keys.createMany(request.body.names)).map(keyJson));

  route(app, listKeys, () => ctx.keys.list().map(keyJson));

  route(app, getKey, (request) => keyJson(ctx.keys.get(request.params.key_id)));

  route(app, updateKey, async (request) => {
    const { name, is_active: isActive } = request.body;
    if (name === undefined && isActive === undefined) throw badRequest('body must give name, is_active or both');
    return keyJson(await ctx.keys.update(request.params.key_id, { name, isActive }));
  });

  route(app, getKeyConfig, (request) => {
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
  });

  route(app, deleteKey, async (request) => {
    await ctx.keys.delete(request.params.key_id);
    return { message: 'Key deleted successfully' };
  });
};
