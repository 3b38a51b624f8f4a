import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { getKeyBundle, putKeyBundle, rotateKeySubscription } from '../../api/subscriptions.ts';
import { route } from '../../http/route.ts';
import { badRequest } from '../../lib/http-error.ts';
import { parseVlessLink } from '../../lib/vless-link.ts';

/** Subscriptions: a key's bundle (the person's links on other servers) and its token's rotation. */
export const subscriptionsRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  route(app, putKeyBundle, (request) => {
    const { key_id: keyId } = request.params;
    ctx.keys.get(keyId);
    const { links } = request.body;
    links.forEach((link, index) => {
      const check = parseVlessLink(link);
      if (!check.ok) throw badRequest(`links[${index}] ${check.detail}`, { reason: 'bad_link', index });
    });
    ctx.subscriptions.setBundle(keyId, links);
    return { key_id: keyId, links: [...ctx.subscriptions.bundle(keyId)] };
  });

  route(app, getKeyBundle, (request) => {
    const { key_id: keyId } = request.params;
    ctx.keys.get(keyId);
    return { key_id: keyId, links: [...ctx.subscriptions.bundle(keyId)] };
  });

  route(app, rotateKeySubscription, (request) => {
    const { key_id: keyId } = request.params;
    ctx.keys.get(keyId);
    ctx.subscriptions.rotate(keyId);
    return { key_id: keyId, subscription_url: ctx.subscriptions.urlOf(keyId) };
  });
};
