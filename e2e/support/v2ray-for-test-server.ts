import { readFileSync } from 'node:fs';
import type { NamespaceProcess } from '../harness/namespace-process.ts';
import type { NamespaceRunner } from '../harness/namespace-runner.ts';
import type { TestServer } from '../harness/test-server.ts';
import { waitFor } from '../../test-support/wait.ts';
import { stopAgentXray } from './agent-launch.ts';
import { agentGet } from './inside-server.ts';
import { startV2ray } from './v2ray-peer.ts';
import { v2rayServerConfig, type AgentXrayConfig } from './v2ray-server-config.ts';

/**
 * Debian's v2ray, a real VLESS core, in place of a deployed test server's stand-in Xray: the
 * stand-in is stopped by its pid, and v2ray serves the agent's own config as it is now (read after
 * config-status, which flushes it; changed only where v2ray lacks Xray's features) on every
 * serving key's port. The agent goes on as ever: a key it disables later is cut by its firewall,
 * whatever listens on the port; v2ray keeps the keys it was started with.
 */
export async function serveKeysWithV2ray(server: TestServer, runner: NamespaceRunner, dir: string): Promise<NamespaceProcess> {
  agentGet(server, '/api/system/xray/config-status');
  const config = JSON.parse(readFileSync(server.hostPath('/var/lib/keyport/xray-config.json'), 'utf8')) as AgentXrayConfig;
  const ports = config.inbounds.map((inbound) => inbound.port as number);
  await stopAgentXray(server.hostPath('/var/lib/keyport/xray.pid'));
  await waitFor(`the key ports of ${server.namespace} to be free`, () => (ports.some((port) => runner.listening(server.namespace, port)) ? undefined : true), 5_000);
  return startV2ray(runner, server.namespace, `v2ray-server-${server.namespace}`, v2rayServerConfig(config), dir, ports);
}
