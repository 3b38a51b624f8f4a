/** The parts of the agent's Xray config this transform reads; everything else passes through untouched. */
export interface AgentXrayConfig {
  api?: unknown;
  inbounds: Array<{
    settings: { clients: Array<Record<string, unknown>> } & Record<string, unknown>;
    streamSettings?: Record<string, unknown>;
    sniffing?: { destOverride?: string[] } & Record<string, unknown>;
  } & Record<string, unknown>>;
  routing?: unknown;
  outbounds?: unknown;
  [field: string]: unknown;
}

/**
 * The agent's Xray config as Debian's v2ray 4.34 (a real VLESS core) can serve it. Only what v2ray
 * cannot take is changed, each seen with `v2ray -test -config` on 4.34.0+ds-1:
 * - `api`: v2ray 4.34 has no `api.listen` (it reads the field as unknown and starts no listener;
 *   its API needs a dokodemo-door inbound and a routing rule of its own). Dropped; the test puts a
 *   plain listener on that address instead, as the thing a key holder must not reach.
 * - an inbound's `security: "reality"` and `realitySettings`: v2ray has no REALITY (it takes an
 *   unknown security name silently as none). Set to `security: "none"` explicitly.
 * - a client's `flow` (`xtls-rprx-vision`): Xray's alone. Dropped.
 * - `quic` in `sniffing.destOverride`: v2ray answers `unknown protocol: quic`, exit 23. Dropped.
 * `log`, `routing` and `outbounds` (what decides where a key holder's traffic may go) pass as the
 * agent wrote them: the test asserts they are equal.
 */
export function v2rayServerConfig(agentConfig: AgentXrayConfig): AgentXrayConfig {
  const { api: _api, ...rest } = structuredClone(agentConfig);
  return {
    ...rest,
    inbounds: rest.inbounds.map((inbound) => {
      const { realitySettings: _reality, ...stream } = inbound.streamSettings ?? {};
      return {
        ...inbound,
        settings: { ...inbound.settings, clients: inbound.settings.clients.map(({ flow: _flow, ...client }) => client) },
        streamSettings: { ...stream, security: 'none' },
        ...(inbound.sniffing && {
          sniffing: { ...inbound.sniffing, destOverride: inbound.sniffing.destOverride?.filter((protocol) => protocol !== 'quic') },
        }),
      };
    }),
  };
}
