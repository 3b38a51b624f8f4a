import { shellQuote } from '../ssh/remote-host.ts';

/**
 * Shell text that stops the process named in `pidFile` — only if its command line still holds
 * `marker`, since a pid left in a file may belong to someone else by now — with SIGTERM, then
 * SIGKILL after `graceMs`, and removes the file. A zombie's empty command line counts as gone.
 */
export function stopPidFileScript(pidFile: string, marker: string, graceMs: number): string {
  const file = shellQuote(pidFile);
  const ours = `[ -n "$pid" ] && tr '\\0' '\\n' < /proc/$pid/cmdline 2>/dev/null | grep -qF -- ${shellQuote(marker)}`;
  return [
    `pid=$(tr -dc 0-9 < ${file} 2>/dev/null); waited=0`,
    `while ${ours} && [ $waited -lt ${Math.ceil(graceMs / 100)} ]; do`,
    '  [ $waited -eq 0 ] && kill -TERM "$pid" 2>/dev/null',
    '  sleep 0.1; waited=$((waited + 1))',
    'done',
    `${ours} && kill -KILL "$pid" 2>/dev/null`,
    `rm -f ${file}`,
  ].join('\n');
}
