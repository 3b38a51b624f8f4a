import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xrayUsageWords } from './xray-usage-words.ts';

test("a running Xray's memory and open files, with the limit it runs under", () => {
  const words = xrayUsageWords({ running: true, pid: 4242, rss_bytes: 812 * 1024 * 1024, open_fds: 10013, open_files_limit: 524288 });
  assert.equal(words, '812.00 MiB resident · 10,013 of 524,288 open files');
});

test('nothing is said of an Xray that does not run, or of one whose agent reports no usage', () => {
  assert.equal(xrayUsageWords({ running: false, pid: null, rss_bytes: null, open_fds: null, open_files_limit: null }), null);
  assert.equal(xrayUsageWords({ running: true, pid: 4242 } as Parameters<typeof xrayUsageWords>[0]), null);
  assert.equal(xrayUsageWords({ running: true, pid: 4242, rss_bytes: 1024 * 1024, open_fds: null, open_files_limit: null }), '1.00 MiB resident');
});
