import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { createKey, createKeys, deleteKey, getKey, getKeyConfig, listKeys, updateKey } from '../../api/keys.ts';
import { route } from '../../http/route.ts';
import { badRequest } from '../../lib/http-error.ts';
import { keyJson } from '../../presenters/key-json.ts';
import { hasLimitFields, limitChanges } from '../../services/limits/limit-fields.ts';
import type { KeyToCreate } from '../../services/key-service.ts';
import { keyLink } from '../../services/subscriptions/key-link.ts';
import type { KeyRecord } from '../../services/store/key-store.ts';

/** Keys: create (one or many), list, read, share config, rename, enable/disable, change limits, delete. */
export const keysRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  const json = (key: KeyRecord) => keyJson(key, ctx.keys.usedBytes(key.id), ctx.subscriptions.urlOf(key.id));

  route(app, createKey, async (request) => {
    const { name, uuid, ...limits } = request.body;
    return json(await ctx.keys.create(name, limitChanges(limits), uuid));
  });

  route(app, createKeys, async (request) => {
    const { names, keys, ...shared } = request.body;
    if ((names === undefined) === (keys === undefined)) throw badRequest('body must give exactly one of names or keys');
    if (keys !== undefined && hasLimitFields(shared)) {
      throw badRequest('with keys, each key gives its own limits: none may stand beside keys', { reason: 'bad_limits' });
    }
    const toCreate: KeyToCreate[] = names
      ? names.map((name) => ({ name, limits: limitChanges(shared) }))
      : keys!.map(({ name, uuid, ...limits }, index) => ({ name, uuid, limits: limitChanges(limits, index) }));
    return (await ctx.keys.createMany(toCreate)).map(json);
  });

  route(app, listKeys, () => ctx.keys.list().map(json));

  route(app, getKey, (request) => json(ctx.keys.get(request.params.key_id)));

  route(app, updateKey, async (request) => {
    const { name, is_active: isActive, ...limits } = request.body;
    if (name === undefined && isActive === undefined && !hasLimitFields(limits)) {
      throw badRequest('body must give name, is_active or a limit (data_limit_bytes, data_limit_reset, expires_at, note)');
    }
    const changes = hasLimitFields(limits) ? limitChanges(limits) : undefined;
    return json(await ctx.keys.update(request.params.key_id, { name, isActive, limits: changes }));
  });

  route(app, getKeyConfig, (request) => {
    const key = ctx.keys.get(request.params.key_id);
    const url = keyLink(ctx, key);
    return { key: json(key), vless_url: url, qr_code_data: url };
  });

  route(app, deleteKey, async (request) => {
    await ctx.keys.delete(request.params.key_id);
    return { message: 'Key deleted successfully' };
  });
};
