import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { formatBytes } from '../../api/format-bytes.ts';
import {
  getConfigStatus,
  getPorts,
  getTrafficStatus,
  getTrafficSummary,
  getXrayConfigStatus,
  resetPorts,
  syncConfig,
  syncXrayConfig,
  validatePorts,
  validateXraySync,
  verifyReality,
} from '../../api/system.ts';
import { route } from '../../http/route.ts';
import { backupRoutes } from './backup-routes.ts';
import { hostRoutes } from './host-routes.ts';
import { restoreUploadRoutes } from './restore-upload-routes.ts';
import { formatTimestamp } from '../../lib/timestamps.ts';
import { reconcileJson, samplerJson } from '../../presenters/system-json.ts';
import { envelope } from '../../presenters/traffic-json.ts';
import { checkFirewall } from '../../services/checks/firewall-check.ts';
import { checkPorts } from '../../services/checks/ports-check.ts';
import { checkReality } from '../../services/checks/reality-check.ts';
import { checkXraySync } from '../../services/checks/xray-sync-checks.ts';
import { readSocketTable } from '../../services/net/socket-table.ts';
import { EMPTY_TOTALS } from '../../services/store/traffic-store.ts';
import { summarizeTraffic, type PeriodTotals } from '../../services/traffic-summary.ts';

/** System: keeping Xray and the firewall in step with the keys, saying where they are not, and the host's figures. */
export const systemRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  backupRoutes(app, ctx);
  hostRoutes(app, ctx);
  restoreUploadRoutes(app, ctx);

  const firewallStatus = async () => checkFirewall(ctx.keys.list(), await ctx.firewall.read(), ctx.firewall.available, ctx.firewall.unavailableReason);

  route(app, getTrafficStatus, async () => {
    const snapshot = await ctx.firewall.read();
    const totals = ctx.traffic.allTotals();
    const keys = ctx.keys.list().map((key) => {
      const live = ctx.sampler.live(key.id);
      const keyTotals = totals.get(key.id) ?? EMPTY_TOTALS;
      const rules = snapshot.ports.get(key.port);
      return {
        key_id: key.id,
        key_name: key.name,
        port: key.port,
        is_active: key.isActive,
        rules_installed: rules?.counters.size === 3,
        blocked: rules?.blocked ?? false,
        connections: live.connections,
        rx_bytes: keyTotals.liveRxBytes,
        tx_bytes: keyTotals.liveTxBytes,
        traffic_rate: Math.round(live.rateBytesPerSec * 100) / 100,
        last_activity: keyTotals.lastActivityMs === null ? null : formatTimestamp(keyTotals.lastActivityMs),
      };
    });
    return envelope({ sampler: samplerJson(ctx.sampler), firewall_available: ctx.firewall.available, keys }, ctx.now());
  });

  route(app, syncConfig, async () => {
    const { firewall, xray } = await ctx.keys.syncAll();
    const xrayStatus = await ctx.xray.status();
    const firewallNow = await firewallStatus();
    return envelope({ firewall, xray, in_sync: xrayStatus.in_sync && firewallNow.in_sync, xray_status: xrayStatus }, ctx.now());
  });

  route(app, getConfigStatus, async () => {
    const [xray, firewall] = await Promise.all([ctx.xray.status(), firewallStatus()]);
    return envelope({ in_sync: xray.in_sync && firewall.in_sync, xray, firewall, reconcile: reconcileJson(ctx.reconciler) }, ctx.now());
  });

  route(app, verifyReality, async () => {
    const keys = ctx.realityKeys;
    const options = ctx.xray.realityOptions;
    await ctx.xray.flushConfig().catch(() => undefined);
    const checks = await checkReality(keys, options, ctx.xray.configPath);
    return envelope(
      {
        valid: checks.every((check) => check.ok || check.level === 'warning'),
        checks,
        public_key: keys.publicKey,
        short_ids: keys.shortIds,
        target: options.dest,
        dest: options.dest,
        server_names: options.serverNames,
        fingerprint: options.fingerprint,
      },
      ctx.now(),
    );
  });

  route(app, getPorts, () => {
    const { from, to } = ctx.keys.portRange;
    const keys = ctx.keys.list();
    const total = to - from + 1;
    return envelope(
      {
        range: { from, to },
        total_ports: total,
        used_ports: keys.length,
        free_ports: Math.max(total - keys.length, 0),
        assignments: keys
          .map((key) => ({ port: key.port, key_id: key.id, key_name: key.name, is_active: key.isActive }))
          .sort((a, b) => a.port - b.port),
      },
      ctx.now(),
    );
  });

  route(app, resetPorts, async () => {
    const moves = await ctx.keys.reassignPorts();
    return envelope(
      {
        message: moves.length === 0 ? 'Port assignments were already compact' : `Reassigned ${moves.length} ports`,
        moved: moves.map((move) => ({ key_id: move.keyId, old_port: move.oldPort, new_port: move.newPort })),
      },
      ctx.now(),
    );
  });

  route(app, validatePorts, async () => {
    const keys = ctx.keys.list();
    const [snapshot, sockets, xray] = await Promise.all([ctx.firewall.read(), readSocketTable(), ctx.xray.status()]);
    const issues = checkPorts(keys, ctx.keys.portRange, snapshot, sockets.listening, xray.api.reachable);
    return envelope({ valid: issues.length === 0, checked_keys: keys.length, issues }, ctx.now());
  });

  route(app, getTrafficSummary, () => {
    const nowMs = ctx.now();
    const { keys, live, today, month, lifetime } = summarizeTraffic(ctx.keys.list(), ctx.traffic, ctx.sampler, nowMs);
    const period = ({ rxBytes, txBytes, sessions }: PeriodTotals) => ({
      rx_bytes: rxBytes,
      tx_bytes: txBytes,
      total_bytes: rxBytes + txBytes,
      total_formatted: formatBytes(rxBytes + txBytes),
      sessions,
    });
    return envelope(
      {
        keys,
        live: { connections: live.connections, traffic_rate: Math.round(live.rateBytesPerSec * 100) / 100 },
        today: { date: today.date, ...period(today) },
        month: { year_month: month.yearMonth, ...period(month) },
        lifetime: {
          rx_bytes: lifetime.rxBytes,
          tx_bytes: lifetime.txBytes,
          total_bytes: lifetime.rxBytes + lifetime.txBytes,
          total_formatted: formatBytes(lifetime.rxBytes + lifetime.txBytes),
          total_connections: lifetime.connections,
        },
        sampler: samplerJson(ctx.sampler),
      },
      nowMs,
    );
  });

  route(app, getXrayConfigStatus, async () => envelope(await ctx.xray.status(), ctx.now()));

  route(app, syncXrayConfig, async () => {
    const applied = await ctx.keys.whileNoKeyChanges(() => ctx.xray.sync());
    return envelope({ applied, status: await ctx.xray.status() }, ctx.now());
  });

  route(app, validateXraySync, async () => {
    const [test, status] = await Promise.all([ctx.xray.testCurrentConfig(), ctx.xray.status()]);
    const checks = checkXraySync(test, status);
    return envelope({ valid: checks.every((check) => check.ok), checks }, ctx.now());
  });
};
