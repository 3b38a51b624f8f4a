/** Yes or no at a glance, in words as well as colour. */
export function CheckMark({ ok, yes = 'yes', no = 'no' }: { ok: boolean; yes?: string; no?: string }) {
  return <span className={ok ? 'check ok' : 'check bad'}>{ok ? `✓ ${yes}` : `✗ ${no}`}</span>;
}
