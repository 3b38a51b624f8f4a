import { useTranslation } from 'react-i18next';

/** Yes or no at a glance, in words as well as colour. */
export function CheckMark({ ok, yes, no }: { ok: boolean; yes?: string; no?: string }) {
  const { t } = useTranslation();
  return <span className={ok ? 'check ok' : 'check bad'}>{ok ? `✓ ${yes ?? t('common.yes')}` : `✗ ${no ?? t('common.no')}`}</span>;
}
