import { Type } from '@sinclair/typebox';
import { ByteCount, commonErrors, Envelope, KeyIdParams, KeyResetResponse } from './common.ts';
import { endpoint } from './endpoint.ts';

export const PortTraffic = Type.Object({
  port: Type.Integer(),
  connections: Type.Integer({ description: 'established TCP connections on the port now' }),
  total_bytes: ByteCount,
  rx_bytes: Type.Integer({ minimum: 0, description: 'client to server, since the key was created or its live reset' }),
  tx_bytes: Type.Integer({ minimum: 0, description: 'server to client, since the key was created or its live reset' }),
  total_formatted: Type.String(),
  rx_formatted: Type.String(),
  tx_formatted: Type.String(),
  traffic_rate: Type.Number({ description: 'bytes per second, both directions, over the last sampling interval' }),
  uuid: Type.String(),
  key_id: Type.String(),
  name: Type.String(),
  is_active: Type.Boolean(),
});

export const AllTraffic = Envelope(
  Type.Object({
    ports: Type.Record(Type.String({ pattern: '^[0-9]+$' }), PortTraffic),
    total_connections: Type.Integer(),
    total_bytes: ByteCount,
    timestamp: Type.Number({ description: 'Unix time in seconds of the sample these numbers come from' }),
  }),
);

export const KeyTraffic = Envelope(PortTraffic);

const tag = 'traffic';

export const getLiveTraffic = endpoint({
  method: 'GET', path: '/api/traffic/simple', tag, summary: 'Live traffic of every port',
  response: AllTraffic, errors: commonErrors,
});

export const getKeyLiveTraffic = endpoint({
  method: 'GET', path: '/api/keys/:key_id/traffic/simple', tag, summary: 'Live traffic of one key',
  params: KeyIdParams, response: KeyTraffic, errors: commonErrors,
});

export const resetKeyLiveTraffic = endpoint({
  method: 'POST', path: '/api/keys/:key_id/traffic/simple/reset', tag, summary: 'Zero the key’s live byte counters (history is kept)',
  params: KeyIdParams, response: KeyResetResponse, errors: commonErrors,
});
