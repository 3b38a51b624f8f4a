import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerFacts } from '../../../shared/contract/deploy.ts';
import { printable } from '../ssh/remote-answer.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { xrayVersionNumber } from './xray-version.ts';

const ARCHES: Record<string, ServerFacts['arch']> = { x86_64: 'x64', aarch64: 'arm64', arm64: 'arm64' };

// One round trip; each fact on a line of its own, so a missing one leaves the others readable.
const DETECT_SCRIPT = [
  `printf 'arch=%s\\n' "$(uname -m)"`,
  `printf 'os=%s\\n' "$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release 2>/dev/null | tr -d '"')"`,
  `printf 'init=%s\\n' "$(cat /proc/1/comm 2>/dev/null)"`,
  `if [ -x /usr/local/bin/xray ]; then xray=/usr/local/bin/xray; else xray=$(command -v xray); fi`,
  `[ -n "$xray" ] && printf 'xray=%s\\n' "$("$xray" version 2>/dev/null | head -n 1)"`,
  'true',
].join('\n');

/** What the deploy needs to know about a server: arch, OS, init system, root or sudo, Xray. */
export async function detectServer(host: RemoteHost): Promise<ServerFacts> {
  const output = await host.check(DETECT_SCRIPT, { timeoutMs: 20_000 });
  const facts = new Map<string, string>();
  for (const line of output.split('\n')) {
    const separator = line.indexOf('=');
    // Shown to the admin and stored: printable, and bounded.
    if (separator > 0) facts.set(line.slice(0, separator), printable(line.slice(separator + 1).trim(), 120));
  }
  const machine = facts.get('arch') ?? '';
  const arch = ARCHES[machine];
  if (!arch) {
    throw new KeyportError('unsupported-server', `the server's architecture "${machine}" is not supported (x86_64 and aarch64 are)`, { machine });
  }
  return {
    os: facts.get('os') || 'Linux',
    arch,
    init: facts.get('init') === 'systemd' ? 'systemd' : 'supervised',
    asRoot: host.asRoot,
    xrayVersion: facts.get('xray') ? xrayVersionNumber(facts.get('xray')!) : null,
  };
}
