import { useTranslation } from 'react-i18next';
import { useNavigationStore } from '../../state/navigation-store.ts';
import type { KeyPageGone } from './key-page-gone.ts';

interface KeyGoneNoticeProps {
  gone: KeyPageGone;
  serverId: string;
  serverName: string;
  keyId: string;
  /** The name the key had, when the window knew it. */
  keyName: string | null;
}

/** The whole page of a key that is not there: one message, and the way back that exists. */
export function KeyGoneNotice({ gone, serverId, serverName, keyId, keyName }: KeyGoneNoticeProps) {
  const { t } = useTranslation();
  const openServer = useNavigationStore((state) => state.openServer);
  const goFleet = useNavigationStore((state) => state.goFleet);
  const text =
    gone === 'server'
      ? t('key.gone.server', { server: serverName, id: keyId })
      : keyName === null
        ? t('key.gone.key', { server: serverName, id: keyId })
        : t('key.gone.keyNamed', { server: serverName, name: keyName, id: keyId });
  return (
    <div className="empty-state key-gone" role="status" data-testid="key-gone" data-gone={gone}>
      <h1>{t('key.gone.title')}</h1>
      <p data-testid="key-gone-text">{text}</p>
      {gone === 'server' ? (
        <button type="button" className="primary" onClick={goFleet} data-testid="key-gone-back">
          {t('viewError.back')}
        </button>
      ) : (
        <button type="button" className="primary" onClick={() => openServer(serverId, 'keys')} data-testid="key-gone-back">
          {t('key.gone.backToKeys', { server: serverName })}
        </button>
      )}
    </div>
  );
}
