type Facts = Readonly<Record<string, string | number | boolean | null>>;

/** A `deploy-locked` refusal in the window's words: who holds the server, since when, and how to break it. */
export function deployLockWords(facts: Facts | null | undefined, serverName: string): string {
  const owner = typeof facts?.owner === 'string' ? `the Keyport console on ${facts.owner}` : 'a Keyport console that did not say which';
  const since = typeof facts?.since === 'string' ? ` since ${facts.since.replace('T', ' ').replace(/Z$/, ' UTC')}` : '';
  const idle = typeof facts?.idleSeconds === 'number' ? `, last sign of life ${formatIdle(facts.idleSeconds)} ago` : '';
  const command = facts?.operation === 'uninstall' ? 'uninstall' : 'deploy';
  return (
    `Another deploy or uninstall holds this server's lock: ${owner}${since}${idle}. ` +
    'Break the lock only if no deploy is running there any more (say, that laptop went offline mid-deploy); ' +
    `from a terminal: keyport server ${command} ${serverName} --break-lock`
  );
}

function formatIdle(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}
