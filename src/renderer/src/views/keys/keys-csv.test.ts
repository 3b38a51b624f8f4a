import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import { buildCsv } from '../../format/csv.ts';
import { joinKeyRows, keysWithLimits } from './key-rows.ts';
import { keysCsv } from './keys-csv.ts';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

const key = (id: string, name: string, port: number, limits: Partial<ApiKey> = {}): ApiKey => ({
  id,
  name,
  uuid: `uuid-${id}`,
  created_at: '2025-08-01T09:30:00.000000',
  is_active: true,
  port,
  status: 'active',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: 'https://x.example/sub/secret',
  ...limits,
});

test('the keys CSV has a header, the keys in the table’s order with raw bytes and ISO times, and no uuid or subscription link', () => {
  const keys = [
    key('k1', 'Мама 📱', 10001, { data_limit_bytes: 5 * 1024 ** 3, data_limit_reset: 'month', used_bytes: 1536, note: 'paid, "VIP"' }),
    key('k2', '=HYPERLINK("http://evil.example")', 10002, { expires_at: '2027-03-01T00:00:00.000000', is_active: false, status: 'disabled' }),
  ];
  const today = { date: '2026-12-02', keys: { k1: { total_bytes: 12, rx_bytes: 2, tx_bytes: 10, max_connections: 1, sessions: 1 } } };
  const rows = joinKeyRows(keysWithLimits(keys, NOW), undefined, undefined, today);
  const csv = buildCsv(keysCsv(rows, { today: '2026-12-02', month: '2026-12' }));
  assert.equal(
    csv,
    'key_id,name,port,status,is_active,used_bytes,data_limit_bytes,data_limit_reset,expires_at,note,created_at,day,day_bytes,month,month_bytes\r\n' +
      'k1,Мама 📱,10001,active,true,1536,5368709120,month,,"paid, ""VIP""",2025-08-01T09:30:00.000Z,2026-12-02,12,2026-12,\r\n' +
      `k2,"'=HYPERLINK(""http://evil.example"")",10002,disabled,false,0,,no_reset,2027-03-01T00:00:00.000Z,,2025-08-01T09:30:00.000Z,2026-12-02,0,2026-12,\r\n`,
  );
  assert.doesNotMatch(csv, /uuid-k1|secret/);
});
