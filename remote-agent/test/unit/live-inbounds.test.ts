import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveInbounds, XrayApiDownError } from '../../src/services/xray/live-inbounds.ts';
import { XrayApiError, type XrayCli } from '../../src/services/xray/xray-cli.ts';

/** The few XrayCli calls LiveInbounds makes, answering as an Xray that `answers` or has gone. */
function cliWhose(listing: () => Promise<string[]>, answers: boolean): XrayCli {
  return { apiAddress: '127.0.0.1:1', listInboundTags: listing, apiAnswers: async () => answers } as unknown as XrayCli;
}

describe('LiveInbounds.listTags', () => {
  test('a listing that fails because the API stopped answering (Xray killed mid-call) is XrayApiDownError, so a sync restarts Xray', async () => {
    const live = new LiveInbounds(cliWhose(async () => Promise.reject(new XrayApiError('lsi', 'failed to dial 127.0.0.1:1')), false));
    await assert.rejects(live.listTags(), XrayApiDownError);
  });

  test('a listing refused by an API that still answers stays the API error', async () => {
    const refused = new XrayApiError('lsi', 'some refusal');
    const live = new LiveInbounds(cliWhose(async () => Promise.reject(refused), true));
    await assert.rejects(live.listTags(), (error) => error === refused);
  });

  test('a listing that works is passed through', async () => {
    assert.deepEqual(await new LiveInbounds(cliWhose(async () => ['keyport-a'], true)).listTags(), ['keyport-a']);
  });
});
