import type { HostKeyProbe } from '../../../../shared/contract/servers.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';
import { Trans, useTranslation } from 'react-i18next';

interface HostKeyConfirmProps {
  probe: HostKeyProbe;
  busy: boolean;
  onAccept: () => void;
  onBack: () => void;
}

/** The server's host key (and its jump hosts'), to compare with the server's own before trusting it. */
export function HostKeyConfirm({ probe, busy, onAccept, onBack }: HostKeyConfirmProps) {
  const { t } = useTranslation();
  return (
    <div className="host-key">
      <p>
        <Trans t={t} i18nKey="addServer.hostKey.presented" values={{ keyType: probe.keyType }} components={{ code: <code /> }} />
      </p>
      <code className="fingerprint" data-testid="host-key-fingerprint">
        {probe.fingerprint}
      </code>
      {probe.jumps && probe.jumps.length > 0 && (
        <div data-testid="host-key-jumps">
          <p>{t('addServer.hostKey.jumps')}</p>
          <ul className="jump-list">
            {probe.jumps.map((jump) => (
              <li key={jump.endpoint} data-testid="host-key-jump" data-endpoint={jump.endpoint}>
                <span>{jump.endpoint}</span> <span className="muted">{jump.keyType}</span> <code className="fingerprint">{jump.fingerprint}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <DialogActions
        back={{ label: t('common.back'), testId: 'add-server-back', onClick: onBack, disabled: busy }}
        go={{ label: t('addServer.hostKey.accept'), tone: 'primary', testId: 'host-key-accept', onClick: onAccept, disabled: busy }}
      />
    </div>
  );
}
