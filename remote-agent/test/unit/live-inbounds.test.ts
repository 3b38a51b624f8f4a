import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveInbounds, XrayApiDownError } from '../../src/services/xray/live-inbounds.ts';
import { XrayApiError, type XrayCli } from '../../src/services/xray/xray-cli.ts';
import type { XrayInbound } from '../../src/services/xray/xray-config.ts';
import { sleep } from '../../../test-support/wait.ts';

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

describe('LiveInbounds.add', () => {
  const inbounds = (count: number) => Array.from({ length: count }, (_, index) => ({ tag: `keyport-${index}` }) as unknown as XrayInbound);

  /** An Xray API whose `adi` takes a few ms, counting the commands in flight; `refuse` fails the batch holding that tag. */
  function slowCli(refuse?: string) {
    const seen = { inFlight: 0, most: 0, added: [] as string[], ended: false };
    const cli = {
      apiAddress: '127.0.0.1:1',
      apiAnswers: async () => refuse !== 'keyport-down',
      listInboundTags: async () => [...seen.added],
      removeInbounds: async (tags: string[]) => void (seen.added = seen.added.filter((tag) => !tags.includes(tag))),
      addInbounds: async (batch: XrayInbound[]) => {
        seen.inFlight += 1;
        seen.most = Math.max(seen.most, seen.inFlight);
        await sleep(5);
        seen.inFlight -= 1;
        if (refuse && batch.some((inbound) => inbound.tag === refuse)) throw new XrayApiError('adi', `failed to add inbound ${refuse}`);
        seen.added.push(...batch.map((inbound) => inbound.tag));
      },
    } as unknown as XrayCli;
    return { cli, seen };
  }

  test('a bulk of 1,000 runs several adi commands at once, never more than four, and adds every inbound', async () => {
    const { cli, seen } = slowCli();
    const failed = await new LiveInbounds(cli).add(inbounds(1_000));
    assert.equal(failed.size, 0);
    assert.equal(seen.added.length, 1_000);
    assert.ok(seen.most > 1 && seen.most <= 4, `${seen.most} adi commands were in flight at once`);
  });

  test('one refused inbound fails alone: its batch is retried one by one, the other batches stay added', async () => {
    const { cli, seen } = slowCli('keyport-250');
    const failed = await new LiveInbounds(cli).add(inbounds(1_000));
    assert.deepEqual([...failed.keys()], ['keyport-250']);
    assert.equal(seen.added.length, 999);
  });

  test('an API that stops answering is XrayApiDownError, thrown once no adi is left in flight, and no batch starts after it', async () => {
    const { cli, seen } = slowCli('keyport-down');
    const all = [{ tag: 'keyport-down' } as unknown as XrayInbound, ...inbounds(999)];
    await assert.rejects(new LiveInbounds(cli).add(all), XrayApiDownError);
    assert.equal(seen.inFlight, 0);
    // The first four batches were sent together; the three besides the refused one were added, and nothing after them.
    assert.equal(seen.added.length, 300);
  });
});
