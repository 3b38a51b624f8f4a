import type { FastifyInstance } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { getHostStatus } from '../../api/host.ts';
import { route } from '../../http/route.ts';
import { envelope } from '../../presenters/traffic-json.ts';

/** The system area's host figures: uptime, load, memory, disk and the Xray version, for the fleet view. */
export function hostRoutes(app: FastifyInstance, ctx: AgentContext): void {
  route(app, getHostStatus, async () => envelope(await ctx.host.read(), ctx.now()));
}
