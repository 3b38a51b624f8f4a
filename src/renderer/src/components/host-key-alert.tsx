import { useState } from 'react';
import { isHostKeyState } from '../../../shared/contract/servers.ts';
import { selectServer, selectStatus, trustHostKeyOperation, useFleetStore } from '../state/fleet-store.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { Trans, useTranslation } from 'react-i18next';

/**
 * A server whose host key is not one Keyport trusts (changed, or never accepted): the fingerprints,
 * and the way to trust the presented one once the admin compared it with the server's own.
 * Nothing when the key is fine.
 */
export function HostKeyAlert({ serverId }: { serverId: string }) {
  const status = useFleetStore(selectStatus(serverId));
  const server = useFleetStore(selectServer(serverId));
  const trustHostKey = useFleetStore((state) => state.trustHostKey);
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const change = status?.value && isHostKeyState(status.value.state) ? status.value.hostKeyChange : undefined;
  if (!change || !server) return null;
  const isHop = change.endpoint !== `${server.target.host}:${server.target.port}`;
  const whose = isHop ? t('hostKey.whoseJump', { endpoint: change.endpoint }) : t('hostKey.whoseServer', { server: server.name, endpoint: change.endpoint });

  return (
    <div className="host-key-changed" role="alert" data-testid="host-key-changed" data-accepted={change.accepted === null ? 'none' : 'other'}>
      <Trans t={t} i18nKey={change.accepted === null ? 'hostKey.notAccepted' : 'hostKey.changed'} values={{ whose }} />
      <dl>
        {change.accepted !== null && (
          <>
            <dt>{t('hostKey.trusted')}</dt>
            <dd>
              <code className="fingerprint" data-testid="host-key-accepted">
                {change.accepted}
              </code>
            </dd>
          </>
        )}
        <dt>{t('hostKey.presentedNow')}</dt>
        <dd>
          <code className="fingerprint" data-testid="host-key-presented">
            {change.presented}
          </code>{' '}
          <span className="muted small">{change.keyType}</span>
        </dd>
      </dl>
      <button type="button" className="danger-outline" onClick={() => setConfirming(true)} data-testid="trust-host-key-button">
        {change.accepted === null ? t('hostKey.trust') : t('hostKey.trustNew')}
      </button>
      {confirming && (
        <ConfirmDialog
          title={change.accepted === null ? t('hostKey.confirmTitle', { server: server.name }) : t('hostKey.confirmNewTitle', { server: server.name })}
          confirmLabel={t('hostKey.confirm')}
          operationId={trustHostKeyOperation(serverId)}
          onConfirm={() => trustHostKey(serverId, change.presented)}
          onClose={() => setConfirming(false)}
        >
          <p>
            <Trans t={t} i18nKey="hostKey.howToCheck" values={{ keyType: change.keyType }} components={{ code: <code /> }} />
          </p>
          <code className="fingerprint" data-testid="trust-host-key-fingerprint">
            {change.presented}
          </code>
          <p>{t('hostKey.afterTrust', { server: server.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The same, as a full-width line of the fleet table. */
export function HostKeyAlertRow({ serverId }: { serverId: string }) {
  const blocked = useFleetStore((state) => {
    const current = state.statuses[serverId]?.value?.state;
    return current !== undefined && isHostKeyState(current);
  });
  if (!blocked) return null;
  return (
    <tr className="host-key-row">
      <td colSpan={7}>
        <HostKeyAlert serverId={serverId} />
      </td>
    </tr>
  );
}
