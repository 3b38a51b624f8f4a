import { runCommand } from '../../lib/run-command.ts';

/**
 * Closes every established TCP connection on a local port now (`ss -K`, which resets both ends).
 * Xray keeps a removed inbound's connections open, so this is what makes a disable take effect at once.
 */
export async function killConnectionsOnPort(port: number): Promise<{ ok: boolean; detail: string }> {
  const result = await runCommand('ss', ['-K', '-t', '-n', 'state', 'established', 'sport', '=', `:${port}`]).catch(
    (error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }),
  );
  return { ok: result.exitCode === 0, detail: result.stderr.trim() };
}
