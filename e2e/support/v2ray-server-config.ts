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
 * cannot take is changed (v2ray source cited at github:v2fly/v2ray-core tag v4.34.0):
 * - `api`: v2ray's API config is a tag and services only (infra/conf/api.go:13); it starts no
 *   listener of its own (that takes a dokodemo-door inbound and a routing rule). Dropped; the test
 *   puts a plain listener on the API address instead, as the thing a key holder must not reach.
 * - an inbound's `security: "reality"` and `realitySettings`: v2ray has no REALITY; any security
 *   name but "tls" silently means none (infra/conf/transport_internet.go:403). Made explicit.
 * - a client's `flow` (`xtls-rprx-vision`): Xray's alone; v2ray reads it but runs no such flow
 *   (proxy/vless/account.go:28, nothing in proxy/vless/inbound). Dropped.
 * - `quic` in `sniffing.destOverride`: `unknown protocol: quic`, exit 23 (infra/conf/v2ray.go:75).
 *   Dropped.
 * `log` (v2ray honours `access: "none"`, infra/conf/log.go:33), `routing` and `outbounds` (what
 * decides where a key holder's traffic may go) pass as the agent wrote them: the test asserts it.
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
