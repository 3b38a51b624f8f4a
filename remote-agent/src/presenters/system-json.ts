import { formatTimestamp } from '../lib/timestamps.ts';
import type { ReconcileChange, Reconciler } from '../services/reconciler.ts';
import type { Sampler } from '../services/sampler.ts';

/** The sampler's state as traffic/status and the summary show it. */
export function samplerJson(sampler: Sampler) {
  const cycle = sampler.lastCycle;
  return {
    running: sampler.isRunning,
    interval_seconds: sampler.intervalMs / 1000,
    last_cycle: cycle && {
      at: formatTimestamp(cycle.atMs),
      duration_ms: Math.round(cycle.durationMs * 100) / 100,
      ok: cycle.ok,
      error: cycle.error,
      keys: cycle.keys,
      keys_with_traffic: cycle.keysWithTraffic,
    },
  };
}

/** The periodic reconcile's last run and latest changes, as config-status carries them. */
export function reconcileJson(reconciler: Reconciler) {
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
