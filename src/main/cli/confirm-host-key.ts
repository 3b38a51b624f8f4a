import { KeyportError } from '../../shared/contract/errors.ts';
import type { HostKeyProbe } from '../../shared/contract/servers.ts';
import type { CliIo } from './command.ts';
import { cliWords } from './i18n/cli-i18n.ts';
import { readLine } from './read-line.ts';

export interface HostKeyQuestion {
  serverName: string;
  /** How the admin named the server's address: `host:port`, or `alias NAME`. */
  where: string;
  probe: HostKeyProbe;
  /** The --accept-host-key values. */
  accepted: string[];
}

/**
 * Shows the probed host keys (the server's and its jump hosts') and goes on only when the admin
 * accepts them: every one given with --accept-host-key, or a yes on the terminal. Nothing is
 * accepted silently. Resolves to the accepted jump-host keys by endpoint.
 */
export async function confirmHostKey(
  io: Pick<CliIo, 'stdin' | 'stderr' | 'isTTY'> & Partial<Pick<CliIo, 'env'>>,
  question: HostKeyQuestion,
): Promise<Record<string, string>> {
  const { serverName, where, probe, accepted } = question;
  const t = cliWords(io.env ?? {});
  const jumps = probe.jumps ?? [];
  // `label` goes into the errors, in the words of the core's messages; `shownAs` is said on the terminal.
  const shown = [
    { label: `${serverName} (${where})`, shownAs: t('ask.hostKeyServer', { server: serverName, where }), ...probe },
    ...jumps.map((jump) => ({ label: `the jump host ${jump.endpoint}`, shownAs: t('ask.hostKeyJump', { endpoint: jump.endpoint }), ...jump })),
  ];
  for (const key of shown) io.stderr.write(`${t('ask.hostKey', { label: key.shownAs, type: key.keyType, fingerprint: key.fingerprint })}\n`);
  const jumpKeys = Object.fromEntries(jumps.map((jump) => [jump.endpoint, jump.fingerprint]));

  if (accepted.length > 0) {
    const differing = shown.find((key) => !accepted.includes(key.fingerprint));
    if (differing) {
      throw new KeyportError(
        'host-key-changed',
        `the host key of ${differing.label} is ${differing.fingerprint}, not ${accepted.join(' or ')} as given with --accept-host-key: ${serverName} was not added`,
        { fingerprint: differing.fingerprint, acceptHostKey: accepted.join(' ') },
      );
    }
    return jumpKeys;
  }
  const flags = shown.map((key) => `--accept-host-key ${key.fingerprint}`).join(' ');
  if (!io.isTTY) {
    throw new KeyportError(
      'host-key-unknown',
      `the host key of ${serverName} was not accepted (no terminal to ask on); check it, then pass ${flags}`,
      { fingerprint: probe.fingerprint },
    );
  }
  io.stderr.write(t('ask.acceptAndAdd'));
  if (!/^y(es)?$/i.test((await readLine(io.stdin)).trim())) {
    throw new KeyportError('host-key-unknown', `the host key was not accepted: ${serverName} was not added`, { fingerprint: probe.fingerprint });
  }
  return jumpKeys;
}
