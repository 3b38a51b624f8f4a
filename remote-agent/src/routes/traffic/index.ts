import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { getKeyLiveTraffic, getLiveTraffic, resetKeyLiveTraffic } from '../../api/traffic.ts';
import { route } from '../../http/route.ts';
import { bytesJson, envelope, keyResetJson } from '../../presenters/traffic-json.ts';
import type { KeyRecord } from '../../services/store/key-store.ts';
import { EMPTY_TOTALS, type KeyTotals } from '../../services/store/traffic-store.ts';

/** Live traffic: bytes since creation (or the live reset), connections now, the current rate. */
export const trafficRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  const portTraffic = (key: KeyRecord, totals: KeyTotals) => {
    const live = ctx.sampler.live(key.id);
    return {
      port: key.port,
      connections: live.connections,
      ...bytesJson(totals.liveRxBytes, totals.liveTxBytes),
      traffic_rate: Math.round(live.rateBytesPerSec * 100) / 100,
      uuid: key.uuid,
      key_id: key.id,
      name: key.name,
      is_active: key.isActive,
    };
  };
  const sampleSeconds = () => (ctx.sampler.lastCycle?.atMs ?? ctx.now()) / 1000;

  route(app, getLiveTraffic, () => {
    const totals = ctx.traffic.allTotals();
    const ports: Record<string, ReturnType<typeof portTraffic>> = {};
    let totalConnections = 0;
    let totalBytes = 0;
    for (const key of ctx.keys.list()) {
      const entry = portTraffic(key, totals.get(key.id) ?? EMPTY_TOTALS);
      ports[String(key.port)] = entry;
      totalConnections += entry.connections;
      totalBytes += entry.total_bytes;
    }
    return envelope({ ports, total_connections: totalConnections, total_bytes: totalBytes, timestamp: sampleSeconds() }, ctx.now());
  });

  route(app, getKeyLiveTraffic, (request) => {
    const key = ctx.keys.get(request.params.key_id);
    return envelope(portTraffic(key, ctx.traffic.totals(key.id)), ctx.now());
  });

  route(app, resetKeyLiveTraffic, (request) => {
    const key = ctx.keys.get(request.params.key_id);
    ctx.traffic.resetLive(key.id);
    return keyResetJson('Traffic statistics reset successfully', key.id, ctx.now());
  });
};
