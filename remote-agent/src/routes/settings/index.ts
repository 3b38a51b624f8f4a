import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AgentContext } from '../../agent-context.ts';
import { envelope } from '../../presenters/traffic-json.ts';
import { commonErrors } from '../../schemas/common.ts';
import type { ServerSettings, SettingsPatch as Patch } from '../../services/settings/server-settings.ts';
import { SettingsChangeReport, SettingsPatch, SettingsReport } from './schemas.ts';

const tags = ['settings'];

/** Settings (beyond the spec): the Reality target and names, whether VPN users may reach private networks, the access log. */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ ctx: AgentContext }> = async (app, { ctx }) => {
  app.get(
    '/api/system/settings',
    { schema: { tags, summary: 'The server settings', response: { 200: SettingsReport, ...commonErrors } } },
    () => envelope({ settings: settingsJson(ctx.settings.get()) }, ctx.now()),
  );

  app.patch(
    '/api/system/settings',
    {
      schema: {
        tags,
        summary: 'Change settings: Reality changes re-add the inbounds live; routing or access-log changes restart Xray once',
        body: SettingsPatch,
        response: { 200: SettingsChangeReport, ...commonErrors },
      },
    },
    async (request) => {
      const body = request.body;
      const patch: Patch = {
        ...(body.reality_target !== undefined && { realityTarget: body.reality_target }),
        ...(body.reality_server_names !== undefined && { realityServerNames: body.reality_server_names }),
        ...(body.reality_fingerprint !== undefined && { realityFingerprint: body.reality_fingerprint }),
        ...(body.allow_private_destinations !== undefined && { allowPrivateDestinations: body.allow_private_destinations }),
        ...(body.access_log !== undefined && { accessLog: body.access_log }),
      };
      const { settings, applied } = await ctx.settings.update(patch);
      return envelope({ settings: settingsJson(settings), applied }, ctx.now());
    },
  );
};

function settingsJson(settings: ServerSettings) {
  return {
    reality_target: settings.realityTarget,
    reality_server_names: settings.realityServerNames,
    reality_fingerprint: settings.realityFingerprint,
    allow_private_destinations: settings.allowPrivateDestinations,
    access_log: settings.accessLog,
  };
}
