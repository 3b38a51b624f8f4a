import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { TOOL_ENVIRONMENT } from './remote-layout.ts';

/**
 * The agent counts traffic in ipset sets matched from iptables rules: with the `ipset` or
 * `iptables-save` command missing, the OS's `ipset` and/or `iptables` package is installed with
 * apt-get or dnf (the package manager's last lines go to the deploy log on failure). The
 * last line printed says what happened: `present VERSION`, `installed MANAGER PACKAGES VERSION`
 * (packages joined by commas), `failed MANAGER PACKAGES`, or `none PACKAGES`.
 */
export const IPSET_SCRIPT = [
  TOOL_ENVIRONMENT,
  // `ipset version` also asks the kernel; only the first line (the tool's own) is wanted.
  'v() { ipset version 2>&1 | head -n 1; }',
  'need=""; list=""',
  'command -v ipset >/dev/null 2>&1 || { need="ipset"; list="ipset"; }',
  'command -v iptables-save >/dev/null 2>&1 || { need="${need:+$need }iptables"; list="${list:+$list,}iptables"; }',
  'if [ -z "$need" ]; then echo "present $(v)"',
  'elif command -v apt-get >/dev/null 2>&1; then',
  '  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >&2 || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >&2; }; then echo "installed apt-get $list $(v)"; else echo "failed apt-get $list"; fi',
  'elif command -v dnf >/dev/null 2>&1; then',
  '  if dnf install -y -q $need >&2; then echo "installed dnf $list $(v)"; else echo "failed dnf $list"; fi',
  'else echo "none $list"; fi',
].join('\n');

export interface IpsetOutcome {
  /** The agent will count traffic (ipset is there now). */
  ok: boolean;
  installed: boolean;
  note: DeployNote;
}

/** Makes sure `ipset` is there, installing the package where it is not; never throws for a failed install. */
export async function ensureIpset(host: RemoteHost): Promise<IpsetOutcome> {
  const result = await host.run(IPSET_SCRIPT);
  return describeIpset(result.stdout, result.stderr);
}

export function describeIpset(stdout: string, stderr: string): IpsetOutcome {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const [word, ...rest] = last.split(' ');
  const tail = stderr.trim().split('\n').slice(-3).join(' / ');
  const packages = (rest[1] ?? '').split(',').join(', ');
  switch (word) {
    case 'present':
      return { ok: true, installed: false, note: deployNote('ipsetPresent', { version: rest.join(' ') }) };
    case 'installed':
      return { ok: true, installed: true, note: deployNote('ipsetInstalled', { packages, manager: rest[0] ?? '', version: rest.slice(2).join(' ') }) };
    case 'failed':
      return { ok: false, installed: false, note: deployNote('ipsetInstallFailed', { packages, manager: rest[0] ?? '', output: tail }) };
    default:
      return { ok: false, installed: false, note: deployNote('ipsetNoPackageManager', { packages: (rest[0] ?? '').split(',').join(', ') }) };
  }
}
