import { useState } from 'react';
import { isHostKeyState } from '../../../shared/contract/servers.ts';
import { selectServer, selectStatus, trustHostKeyOperation, useFleetStore } from '../state/fleet-store.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

/**
 * A server whose host key is not one Keyport trusts (changed, or never accepted): the fingerprints,
 * and the way to trust the presented one once the admin compared it with the server's own.
 * Nothing when the key is fine.
 */
export function HostKeyAlert({ serverId }: { serverId: string }) {
  const status = useFleetStore(selectStatus(serverId));
  const server = useFleetStore(selectServer(serverId));
  const trustHostKey = useFleetStore((state) => state.trustHostKey);
  const [confirming, setConfirming] = useState(false);
  const change = status?.value && isHostKeyState(status.value.state) ? status.value.hostKeyChange : undefined;
  if (!change || !server) return null;
  const isHop = change.endpoint !== `${server.target.host}:${server.target.port}`;
  const whose = isHop ? `the jump host ${change.endpoint}` : `${server.name} (${change.endpoint})`;

  return (
    <div className="host-key-changed" role="alert" data-testid="host-key-changed" data-accepted={change.accepted === null ? 'none' : 'other'}>
      {change.accepted === null ? (
        <>
          <strong>Keyport has not accepted the host key of {whose} yet.</strong> It will not connect until you check the key the
          server presents.
        </>
      ) : (
        <>
          <strong>The host key of {whose} has changed.</strong> Keyport will not connect: this may be someone between you and the
          server, or the server was reinstalled.
        </>
      )}
      <dl>
        {change.accepted !== null && (
          <>
            <dt>Trusted</dt>
            <dd>
              <code className="fingerprint" data-testid="host-key-accepted">
                {change.accepted}
              </code>
            </dd>
          </>
        )}
        <dt>Presented now</dt>
        <dd>
          <code className="fingerprint" data-testid="host-key-presented">
            {change.presented}
          </code>{' '}
          <span className="muted small">{change.keyType}</span>
        </dd>
      </dl>
      <button type="button" className="danger-outline" onClick={() => setConfirming(true)} data-testid="trust-host-key-button">
        {change.accepted === null ? 'I checked it, trust this key…' : 'I checked it, trust the new key…'}
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Trust the ${change.accepted === null ? '' : 'new '}host key of ${server.name}?`}
          confirmLabel="Trust this key"
          operationId={trustHostKeyOperation(serverId)}
          onConfirm={() => trustHostKey(serverId, change.presented)}
          onClose={() => setConfirming(false)}
        >
          <p>
            On the server itself (its provider’s console, not through this connection), run <code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code>{' '}
            and find its {change.keyType} key. Trust it only if it prints exactly:
          </p>
          <code className="fingerprint" data-testid="trust-host-key-fingerprint">
            {change.presented}
          </code>
          <p>Keyport then connects with this key only. {server.name} keeps its keys and its cached history.</p>
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
