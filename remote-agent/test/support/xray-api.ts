import { execFileSync } from 'node:child_process';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';

/** The tags the running (stand-in) Xray lists, as `xray api lsi --isOnlyTags=true` prints them. */
export async function lsi(apiPort: number): Promise<string[]> {
  const output = execFileSync(FAKE_XRAY, ['api', 'lsi', '-s', `127.0.0.1:${apiPort}`, '--isOnlyTags=true'], { encoding: 'utf8' });
  return (JSON.parse(output.slice(output.indexOf('{'))).inbounds ?? []).map((inbound: { tag: string }) => inbound.tag);
}
