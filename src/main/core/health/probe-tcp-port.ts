import { connect } from 'node:net';
import type { PortCheckFailure } from '../../../shared/contract/server-health.ts';

export interface TcpProbeResult {
  reachable: boolean;
  failure: PortCheckFailure | null;
  errorCode: string | null;
}

/**
 * Opens a TCP connection to host:port and closes it at once; never waits longer than timeoutMs.
 * A firewall that drops shows as a timeout, one that rejects (or a port nobody listens on) as refused.
 */
export function probeTcpPort(host: string, port: number, timeoutMs: number): Promise<TcpProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const finish = (result: TcpProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ reachable: false, failure: 'timeout', errorCode: null }), timeoutMs);
    socket.once('connect', () => finish({ reachable: true, failure: null, errorCode: null }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ reachable: false, failure: failureOf(error.code), errorCode: error.code ?? null }));
  });
}

function failureOf(code: string | undefined): PortCheckFailure {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no-address';
    default:
      return 'other';
  }
}
