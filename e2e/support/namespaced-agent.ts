import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { NamespaceProcess } from '../harness/namespace-process.ts';
import type { VpnTestNetwork } from '../harness/vpn-test-network.ts';
import { AgentBridge, type AgentResponse } from './agent-bridge.ts';
import { AGENT_ENTRY, agentFlags, stopAgentXray, waitForAgentApi } from './agent-launch.ts';

export interface NamespacedAgentOptions {
  dataDir: string;
  /** Host written into keys' links: the server's address as key holders reach it. */
  publicHost: string;
  /** Where the agent listens and where its Xray's API listens, inside the server. */
  listen?: string;
  xrayApi?: string;
}

/**
 * The real agent (the TypeScript entry, with the stand-in Xray) running inside the server
 * namespace on its default address 127.0.0.1:8000, reached from the test through a socat bridge on
 * the host's loopback.
 */
export class NamespacedAgent {
  readonly options: Required<NamespacedAgentOptions>;
  readonly apiKey = randomBytes(24).toString('hex');
  #agent: NamespaceProcess | undefined;
  #bridge: AgentBridge | undefined;

  private constructor(options: Required<NamespacedAgentOptions>) {
    this.options = options;
  }

  static async start(network: VpnTestNetwork, options: NamespacedAgentOptions): Promise<NamespacedAgent> {
    const agent = new NamespacedAgent({ listen: '127.0.0.1:8000', xrayApi: '127.0.0.1:10085', ...options });
    await agent.#launch(network);
    return agent;
  }

  get xrayConfigPath(): string {
    return join(this.options.dataDir, 'xray-config.json');
  }

  get output(): string {
    return this.#agent?.output ?? '';
  }

  get exited(): boolean {
    return this.#agent?.exited ?? false;
  }

  async #launch(network: VpnTestNetwork): Promise<void> {
    const flags = agentFlags({ ...this.options, sampleIntervalSeconds: 1 });
    const env = { ...process.env, KEYPORT_API_KEY: this.apiKey, KEYPORT_LOG_LEVEL: 'warn' };
    this.#agent = network.spawn('agent', network.server, process.execPath, [AGENT_ENTRY, ...flags], env);
    this.#bridge = await AgentBridge.loopback(network.server, this.options.listen);
    await waitForAgentApi(this);
  }

  request<T = any>(method: string, path: string, body?: unknown): Promise<AgentResponse<T>> {
    return this.#bridge!.request<T>(this.apiKey, method, path, body);
  }

  /** Stops the Xray the agent started, by its pid only, and waits until it is gone. */
  async stopXray(): Promise<void> {
    await stopAgentXray(join(this.options.dataDir, 'xray.pid'));
  }

  async stop(): Promise<void> {
    await this.#agent?.stop();
    await this.stopXray();
    await this.#bridge?.stop();
  }
}
