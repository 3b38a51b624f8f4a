import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { getKeyBundle, putBundles, putKeyBundle, rotateKeySubscription } from '../../api/subscriptions.ts';
import { route } from '../../http/route.ts';
import { badRequest } from '../../lib/http-error.ts';
import type { BundleChange } from '../../services/subscriptions/subscription-store.ts';
import { bundleJson, checkedUsage, checkLinks } from './bundle-input.ts';

/** Subscriptions: a key's bundle (the person's links and usage on other servers), many at once, and its token's rotation. */
export const subscriptionsRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  route(app, putKeyBundle, (request) => {
    const { key_id: keyId } = request.params;
    ctx.keys.get(keyId);
    const { links, usage } = request.body;
    const place = { prefix: '', facts: {}, linkFact: 'index' } as const;
    checkLinks(links, place);
    ctx.subscriptions.setBundles([{ keyId, links, usage: checkedUsage(usage, place) }]);
    return bundleJson(keyId, ctx.subscriptions.bundle(keyId));
  });

  route(app, getKeyBundle, (request) => {
    const { key_id: keyId } = request.params;
    ctx.keys.get(keyId);
    return bundleJson(keyId, ctx.subscriptions.bundle(keyId));
  });

  route(app, putBundles, (request) => {
    const known = new Set(ctx.keys.list().map((key) => key.id));
    const seen = new Map<string, number>();
    const changes = request.body.bundles.map(({ key_id: keyId, links, usage }, index): BundleChange => {
      const prefix = `bundles[${index}]`;
      if (links === undefined && usage === undefined) throw badRequest(`${prefix} gives neither links nor usage`, { reason: 'empty_bundle', index });
      const earlier = seen.get(keyId);
      if (earlier !== undefined) {
        throw badRequest(`${prefix} is for the same key as bundles[${earlier}]`, { reason: 'duplicate_key', index, duplicate_of: earlier });
      }
      seen.set(keyId, index);
      if (!known.has(keyId)) throw badRequest(`${prefix}.key_id: no key of this server has that id`, { reason: 'unknown_key', index, key_id: keyId });
      const place = { prefix: `${prefix}.`, facts: { index }, linkFact: 'link_index' } as const;
      checkLinks(links, place);
      return { keyId, links, usage: checkedUsage(usage, place) };
    });
    ctx.subscriptions.setBundles(changes);
    return { updated: changes.length };
  });

  route(app, rotateKeySubscription, (request) => {
    const { key_id: keyId } = request.params;
    ctx.keys.get(keyId);
    ctx.subscriptions.rotate(keyId);
    return { key_id: keyId, subscription_url: ctx.subscriptions.urlOf(keyId) };
  });
};
