import type { HostKeyProbe } from '../../../../shared/contract/servers.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

interface HostKeyConfirmProps {
  probe: HostKeyProbe;
  busy: boolean;
  onAccept: () => void;
  onBack: () => void;
}

/** The server's host key (and its jump hosts'), to compare with the server's own before trusting it. */
export function HostKeyConfirm({ probe, busy, onAccept, onBack }: HostKeyConfirmProps) {
  return (
    <div className="host-key">
      <p>
        The server presented this {probe.keyType} host key. Compare it with the server’s own, for example the output of{' '}
        <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> run there, before you accept it. Keyport will refuse the server if
        the key ever changes.
      </p>
      <code className="fingerprint" data-testid="host-key-fingerprint">
        {probe.fingerprint}
      </code>
      {probe.jumps && probe.jumps.length > 0 && (
        <div data-testid="host-key-jumps">
          <p>It is reached through these ProxyJump hosts, whose keys are accepted with it:</p>
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
        back={{ label: 'Back', testId: 'add-server-back', onClick: onBack, disabled: busy }}
        go={{ label: 'Accept key and add server', tone: 'primary', testId: 'host-key-accept', onClick: onAccept, disabled: busy }}
      />
    </div>
  );
}
