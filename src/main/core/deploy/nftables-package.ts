import type { RemoteHost } from '../ssh/remote-host.ts';
import { TOOL_ENVIRONMENT } from './remote-layout.ts';

/** What to tell an admin whose server has no package manager deploy knows. */
export const NFTABLES_BY_HAND = 'install the OS package nftables (apt-get install nftables, or dnf install nftables)';

/**
 * The agent counts traffic with nftables: with the `nft` command missing, the OS's `nftables`
 * package is installed with apt-get or dnf (the package manager's output goes to the deploy log's
 * message on failure). The last line printed says what happened: `present VERSION`,
 * `installed MANAGER VERSION`, `failed MANAGER`, or `none`.
 */
export const NFTABLES_SCRIPT = [
  TOOL_ENVIRONMENT,
  'if command -v nft >/dev/null 2>&1; then echo "present $(nft --version)"',
  'elif command -v apt-get >/dev/null 2>&1; then',
  '  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables >&2 || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables >&2; }; then echo "installed apt-get $(nft --version)"; else echo "failed apt-get"; fi',
  'elif command -v dnf >/dev/null 2>&1; then',
  '  if dnf install -y -q nftables >&2; then echo "installed dnf $(nft --version)"; else echo "failed dnf"; fi',
  'else echo none; fi',
].join('\n');

export interface NftablesOutcome {
  /** The agent will count traffic (nft is there now). */
  ok: boolean;
  installed: boolean;
  message: string;
}

/** Makes sure `nft` is there, installing the package where it is not; never throws for a failed install. */
export async function ensureNftables(host: RemoteHost): Promise<NftablesOutcome> {
  const result = await host.run(NFTABLES_SCRIPT);
  return describeNftables(result.stdout, result.stderr);
}

export function describeNftables(stdout: string, stderr: string): NftablesOutcome {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const [word, ...rest] = last.split(' ');
  const tail = stderr.trim().split('\n').slice(-3).join(' / ');
  switch (word) {
    case 'present':
      return { ok: true, installed: false, message: `nft present (${rest.join(' ')})` };
    case 'installed':
      return { ok: true, installed: true, message: `nft was missing: installed the package nftables with ${rest[0]} (${rest.slice(1).join(' ')})` };
    case 'failed':
      return { ok: false, installed: false, message: `nft is missing and ${rest[0]} could not install nftables (${tail}): the agent counts no traffic until you ${NFTABLES_BY_HAND}` };
    default:
      return { ok: false, installed: false, message: `nft is missing and the server has neither apt-get nor dnf: the agent counts no traffic until you ${NFTABLES_BY_HAND}` };
  }
}
