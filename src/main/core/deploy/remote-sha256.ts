import { unexpectedAnswer } from '../ssh/remote-answer.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';

/** The sha256 (hex) of a file on the server, or undefined when there is no such file. */
export async function remoteSha256(host: RemoteHost, path: string): Promise<string | undefined> {
  const { stdout, exitCode } = await host.run(`sha256sum ${shellQuote(path)}`, { timeoutMs: 60_000 });
  if (exitCode !== 0) return undefined;
  const hash = stdout.split(' ')[0]!;
  if (!/^[0-9a-f]{64}$/.test(hash)) throw unexpectedAnswer(`sha256sum ${path}`, 'a SHA-256 of 64 hex digits', stdout.trim());
  return hash;
}
