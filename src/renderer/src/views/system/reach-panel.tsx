import { useState } from 'react';
import type { ServerSettings, ServerSettingsPatch } from '../../../../shared/contract/api-types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { selectSettings, updateSettingsOperation, useSystemStore } from '../../state/system-store.ts';

interface Switch {
  field: 'allow_private_destinations' | 'access_log';
  label: string;
  on: string;
  off: string;
}

const SWITCHES: Switch[] = [
  {
    field: 'allow_private_destinations',
    label: "VPN users may reach this server and its private networks",
    on: 'Allowed: people with a key can reach services on this server (the agent, Xray’s API) and its LAN. Only for a VPN into your own network.',
    off: 'Blocked: people with a key reach the internet, never this server, its loopback, private networks or the cloud metadata address.',
  },
  {
    field: 'access_log',
    label: 'Log each connection',
    on: 'On: Xray writes every connection (client IP, destination, key) to a file on the server, rotated at 10 MiB.',
    off: 'Off: no record of who connected where.',
  },
];

/** What VPN users can reach through the server, and whether Xray logs them; each change restarts Xray once. */
export function ReachPanel({ serverId }: { serverId: string }) {
  const settings = useSystemStore(selectSettings(serverId))?.value;
  const [pending, setPending] = useState<ServerSettingsPatch | null>(null);
  if (!settings) return null;
  const offline = settings.source === 'cache';
  return (
    <section className="panel" data-testid="reach-panel">
      <h2>Users and the server</h2>
      {SWITCHES.map((entry) => (
        <SwitchRow key={entry.field} entry={entry} settings={settings.data} disabled={offline} onChange={(value) => setPending({ [entry.field]: value })} />
      ))}
      {pending && (
        <ConfirmDialog
          title="Restart Xray to apply this?"
          confirmLabel="Apply and restart Xray"
          operationId={updateSettingsOperation(serverId)}
          onConfirm={() => useSystemStore.getState().updateSettings(serverId, pending)}
          onClose={() => setPending(null)}
        >
          Xray cannot change its routing or logging while it runs, so it restarts once: every open connection on this
          server drops and reconnects.
        </ConfirmDialog>
      )}
    </section>
  );
}

function SwitchRow({ entry, settings, disabled, onChange }: { entry: Switch; settings: ServerSettings; disabled: boolean; onChange: (value: boolean) => void }) {
  const value = settings[entry.field];
  return (
    <div className="reach-switch" data-testid={`reach-${entry.field}`} data-on={value}>
      <label>
        <input type="checkbox" checked={value} disabled={disabled} onChange={(event) => onChange(event.target.checked)} /> {entry.label}
      </label>
      <p className={`small${entry.field === 'allow_private_destinations' && value ? ' link-warning' : ''}`}>{value ? entry.on : entry.off}</p>
    </div>
  );
}
