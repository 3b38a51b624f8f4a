import type { FastifyPluginAsync } from 'fastify';
import type { AgentContext } from '../../agent-context.ts';
import { monthBounds, utcDay, utcMonth } from '../../api/calendar.ts';
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
import { formatTimestamp } from '../../lib/timestamps.ts';
import { envelope } from '../../presenters/traffic-json.ts';
import { checkFirewall } from '../../services/checks/firewall-check.ts';
import { checkPorts } from '../../services/checks/ports-check.ts';
import { checkReality } from '../../services/checks/reality-check.ts';
import { readSocketTable } from '../../services/net/socket-table.ts';
import type { ReconcileChange, Reconciler } from '../../services/reconciler.ts';
import { EMPTY_TOTALS } from '../../services/store/traffic-store.ts';


/** System: keeping Xray and the firewall in step with the keys, and saying where they are not. */
export const systemRoutes: FastifyPluginAsync<{ ctx: AgentContext }> = async (app, { ctx }) => {
  const firewallStatus = async () => checkFirewall(ctx.keys.list(), await ctx.firewall.read(), ctx.firewall.available);
  const samplerStatus = () => {
    const cycle = ctx.sampler.lastCycle;
    return {
      running: ctx.sampler.isRunning,
      interval_seconds: ctx.sampler.intervalMs / 1000,
      last_cycle: cycle && {
        at: formatTimestamp(cycle.atMs),
        duration_ms: Math.round(cycle.durationMs * 100) / 100,
        ok: cycle.ok,
        error: cycle.error,
        keys: cycle.keys,
        keys_with_traffic: cycle.keysWithTraffic,
      },
    };
  };

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
    return envelope({ sampler: samplerStatus(), firewall_available: ctx.firewall.available, keys }, ctx.now());
  });

  route(app, syncConfig, async () => {
    const { firewall, xray } = await ctx.keys.syncAll();
    const xrayStatus = await ctx.xray.status();
    const firewallNow = await firewallStatus();
    return envelope({ firewall, xray, in_sync: xrayStatus.in_sync && firewallNow.in_sync, xray_status: xrayStatus }, ctx.now());
  });

  route(app, getConfigStatus, async () => {
    const [xray, firewall] = await Promise.all([ctx.xray.status(), firewallStatus()]);
    return envelope({ in_sync: xray.in_sync && firewall.in_sync, xray, firewall, reconcile: reconcileStatus(ctx.reconciler) }, ctx.now());
  });

  route(app, verifyReality, async () => {
    const keys = ctx.realityKeys;
    const options = ctx.xray.realityOptions;
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
    const keys = ctx.keys.list();
    const today = utcDay(nowMs);
    const yearMonth = utcMonth(nowMs);
    const day = ctx.traffic.daySummary(today);
    const { firstDay, lastDay } = monthBounds(yearMonth);
    const month = [...ctx.traffic.period(firstDay, lastDay).values()].reduce(
      (sum, usage) => ({ rx: sum.rx + usage.rxBytes, tx: sum.tx + usage.txBytes, sessions: sum.sessions + usage.sessions }),
      { rx: 0, tx: 0, sessions: 0 },
    );
    const lifetime = [...ctx.traffic.allTotals().values()].reduce(
      (sum, totals) => ({
        rx: sum.rx + totals.totalRxBytes,
        tx: sum.tx + totals.totalTxBytes,
        connections: sum.connections + totals.totalConnections,
      }),
      { rx: 0, tx: 0, connections: 0 },
    );
    const live = keys.map((key) => ctx.sampler.live(key.id));
    const period = (rx: number, tx: number, sessions: number) => ({
      rx_bytes: rx,
      tx_bytes: tx,
      total_bytes: rx + tx,
      total_formatted: formatBytes(rx + tx),
      sessions,
    });
    const active = keys.filter((key) => key.isActive).length;
    return envelope(
      {
        keys: { total: keys.length, active, disabled: keys.length - active },
        live: {
          connections: live.reduce((sum, entry) => sum + entry.connections, 0),
          traffic_rate: Math.round(live.reduce((sum, entry) => sum + entry.rateBytesPerSec, 0) * 100) / 100,
        },
        today: { date: today, ...period(day.rxBytes, day.txBytes, day.sessions) },
        month: { year_month: yearMonth, ...period(month.rx, month.tx, month.sessions) },
        lifetime: {
          rx_bytes: lifetime.rx,
          tx_bytes: lifetime.tx,
          total_bytes: lifetime.rx + lifetime.tx,
          total_formatted: formatBytes(lifetime.rx + lifetime.tx),
          total_connections: lifetime.connections,
        },
        sampler: samplerStatus(),
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
    const checks = [
      {
        name: 'config_test',
        ok: test?.ok ?? false,
        detail: test ? test.output || (test.ok ? 'xray run -test passed' : 'xray run -test failed') : `no Xray binary at ${status.binary.path}`,
      },
      {
        name: 'file_matches_keys',
        ok: status.config_file.exists && status.config_file.in_sync,
        detail: describeDiff(status.config_file.exists ? status.config_file : null, 'the config file'),
      },
      {
        name: 'routing_blocks_private_destinations',
        ok: status.config_file.routing.in_sync,
        detail: status.config_file.routing.detail,
      },
      {
        name: 'keys_served',
        ok: status.api.reachable && status.not_serving.length === 0 && status.stray_processes.length === 0,
        detail: describeServing(status),
      },
      {
        name: 'live_matches_keys',
        ok: status.live?.in_sync ?? false,
        detail: status.live ? describeDiff(status.live, 'the running Xray') : `Xray API unreachable: ${status.api.error ?? ''}`.trim(),
      },
    ];
    return envelope({ valid: checks.every((check) => check.ok), checks }, ctx.now());
  });
};

function reconcileStatus(reconciler: Reconciler) {
  const run = reconciler.lastRun;
  const change = (entry: ReconcileChange) => ({ at: formatTimestamp(entry.atMs), kind: entry.kind, tag: entry.tag, port: entry.port, detail: entry.detail });
  return {
    every_cycles: reconciler.everyCycles,
    last_run_at: run && formatTimestamp(run.atMs),
    last_run_ok: run && run.ok,
    last_error: run && run.error,
    xray_skipped: run && run.xraySkipped,
    removed: reconciler.removed.map(change),
    restored: reconciler.restored.map(change),
  };
}

function describeDiff(
  diff: { missing_inbounds: string[]; extra_inbounds: string[]; changed_inbounds: string[] } | null,
  where: string,
): string {
  if (!diff) return `${where} does not exist`;
  const parts = [
    diff.missing_inbounds.length && `${diff.missing_inbounds.length} inbounds missing`,
    diff.extra_inbounds.length && `${diff.extra_inbounds.length} stray inbounds`,
    diff.changed_inbounds.length && `${diff.changed_inbounds.length} inbounds out of date`,
  ].filter(Boolean);
  return parts.length === 0 ? `${where} serves exactly the active keys` : `${where}: ${parts.join(', ')}`;
}

function describeServing(status: { api: { reachable: boolean }; not_serving: Array<{ key_id: string; detail: string }>; stray_processes: Array<{ pid: number }> }): string {
  if (!status.api.reachable) return 'the Xray API does not answer';
  const parts = [
    ...status.not_serving.slice(0, 3).map((entry) => `key ${entry.key_id}: ${entry.detail}`),
    status.not_serving.length > 3 ? `${status.not_serving.length - 3} more keys not served` : '',
    status.stray_processes.length ? `${status.stray_processes.length} other Xray process(es) share our ports: ${status.stray_processes.map((p) => p.pid).join(', ')}` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'every active key has a listening inbound' : parts.join('; ');
}
