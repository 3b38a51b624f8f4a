import { formatBytes } from '../api/format-bytes.ts';
import { formatTimestamp } from '../lib/timestamps.ts';

/** total/rx/tx bytes with their *_formatted twins, as every traffic block of the spec has them. */
export function bytesJson(rxBytes: number, txBytes: number) {
  const totalBytes = rxBytes + txBytes;
  return {
    total_bytes: totalBytes,
    rx_bytes: rxBytes,
    tx_bytes: txBytes,
    total_formatted: formatBytes(totalBytes),
    rx_formatted: formatBytes(rxBytes),
    tx_formatted: formatBytes(txBytes),
  };
}

export function usageJson(usage: { rxBytes: number; txBytes: number; maxConnections: number; sessions: number }) {
  return {
    total_bytes: usage.rxBytes + usage.txBytes,
    rx_bytes: usage.rxBytes,
    tx_bytes: usage.txBytes,
    max_connections: usage.maxConnections,
    sessions: usage.sessions,
  };
}

export function envelope<T>(data: T, nowMs: number) {
  return { status: 'success' as const, data, timestamp: formatTimestamp(nowMs) };
}

/** The fleet-wide byte totals history and monthly reports end with (the schema orders the fields). */
export function fleetTotalsJson(rxBytes: number, txBytes: number) {
  return {
    total_traffic_bytes: rxBytes + txBytes,
    total_rx_bytes: rxBytes,
    total_tx_bytes: txBytes,
    total_traffic_formatted: formatBytes(rxBytes + txBytes),
    total_rx_formatted: formatBytes(rxBytes),
    total_tx_formatted: formatBytes(txBytes),
  };
}

/** The answer of a per-key reset. */
export function keyResetJson(message: string, keyId: string, nowMs: number) {
  return { status: 'success' as const, message, key_id: keyId, timestamp: formatTimestamp(nowMs) };
}
