import { rm } from 'node:fs/promises';
import { writeSynced } from '../../lib/durable-file.ts';
import type { XrayCli } from './xray-cli.ts';
import type { XrayConfig, XrayInbound } from './xray-config.ts';

/**
 * Whether Xray refuses an inbound's config itself, rather than failing to start it: `run -test`
 * builds every inbound and creates the handlers but listens on nothing (main/run.go:82-92,
 * core/xray.go:98-122 at v26.7.28), so a refusal there is the config's, while an inbound that
 * passes and still failed in `adi` could not listen. One small file with that inbound alone, so
 * the check costs the same at any number of keys. Returns what Xray said, or undefined.
 */
export async function inboundRefusal(cli: XrayCli, scaffold: XrayConfig, inbound: XrayInbound, draftPath: string): Promise<string | undefined> {
  if (!(await cli.isInstalled())) return undefined;
  await writeSynced(draftPath, `${JSON.stringify({ ...scaffold, inbounds: [inbound] })}\n`, 0o600);
  try {
    const test = await cli.testConfig(draftPath);
    return test.ok ? undefined : test.output;
  } finally {
    await rm(draftPath, { force: true });
  }
}
