import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { getSettings, updateSettings } from '../../api/settings.ts';
import { checkLinkHost } from '../../api/link-host.ts';
import { route } from '../../http/route.ts';
import { badRequest } from '../../lib/http-error.ts';
import { envelope } from '../../presenters/traffic-json.ts';
import type { ServerSettings, SettingsPatch as Patch } from '../../services/settings/server-settings.ts';

/** Settings (beyond the spec): the host in links, the Reality target and names, whether VPN users may reach private networks, the access log. */
export const settingsRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  route(app, getSettings, () => envelope({ settings: settingsJson(ctx.settings.get()) }, ctx.now()));

  route(app, updateSettings, async (request) => {
    const body = request.body;
    const patch: Patch = {
      ...(body.link_host !== undefined && { linkHost: body.link_host === null ? null : checkedLinkHost(body.link_host) }),
      ...(body.reality_target !== undefined && { realityTarget: body.reality_target }),
      ...(body.reality_server_names !== undefined && { realityServerNames: body.reality_server_names }),
      ...(body.reality_fingerprint !== undefined && { realityFingerprint: body.reality_fingerprint }),
      ...(body.allow_private_destinations !== undefined && { allowPrivateDestinations: body.allow_private_destinations }),
      ...(body.access_log !== undefined && { accessLog: body.access_log }),
    };
    const { settings, applied } = await ctx.settings.update(patch);
    return envelope({ settings: settingsJson(settings), applied }, ctx.now());
  });
};

function checkedLinkHost(text: string): string {
  const checked = checkLinkHost(text);
  if (!checked.ok) throw badRequest(checked.detail, { field: 'link_host' });
  return checked.host;
}

function settingsJson(settings: ServerSettings) {
  return {
    link_host: settings.linkHost,
    reality_target: settings.realityTarget,
    reality_server_names: settings.realityServerNames,
    reality_fingerprint: settings.realityFingerprint,
    allow_private_destinations: settings.allowPrivateDestinations,
    access_log: settings.accessLog,
  };
}
