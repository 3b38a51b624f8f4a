import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';

/** The sha256 (hex) of a file on the server, or undefined when there is no such file. */
export async function remoteSha256(host: RemoteHost, path: string): Promise<string | undefined> {
  const { stdout, exitCode } = await host.run(`sha256sum ${shellQuote(path)}`, { timeoutMs: 60_000 });
  return exitCode === 0 ? stdout.split(' ')[0] : undefined;
}
