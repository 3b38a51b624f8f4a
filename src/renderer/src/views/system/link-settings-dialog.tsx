import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { LinkSettings, LinkSettingsChange, LinkSettingsField } from '../../../../shared/contract/link-settings.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { LabelledInput } from '../../components/labelled-input.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { stepText } from '../../components/step-list.tsx';
import { changesLinks, FIELD_WORDS, linkSettingsChoice, linkSettingsDraftOf, type LinkSettingsDraft } from '../../state/link-settings-draft.ts';
import { clearOperation, useOperation } from '../../state/operations-store.ts';
import { linkSettingsOperation, selectLinkSettingsProgress, useSystemStore } from '../../state/system-store.ts';

interface LinkSettingsDialogProps {
  serverId: string;
  serverName: string;
  /** What links name while no link host is set. */
  sshHost: string;
  current: LinkSettings;
  onClose: () => void;
}

const FIELDS: readonly LinkSettingsField[] = ['linkHost', 'realityTarget', 'realityServerNames', 'keyPorts'];

/** The link settings as fields, then the change said back with its warning, to be confirmed before anything is sent. */
export function LinkSettingsDialog({ serverId, serverName, sshHost, current, onClose }: LinkSettingsDialogProps) {
  const { t } = useTranslation();
  const operationId = linkSettingsOperation(serverId);
  const operation = useOperation(operationId);
  const progress = useSystemStore(selectLinkSettingsProgress(serverId));
  const [draft, setDraft] = useState<LinkSettingsDraft>(() => linkSettingsDraftOf(current));
  const [problem, setProblem] = useState<string | null>(null);
  const [review, setReview] = useState<LinkSettingsChange | null>(null);
  const edit = (field: keyof LinkSettingsDraft) => (value: string) => setDraft((before) => ({ ...before, [field]: value }));
  const close = () => {
    if (operation.running) return;
    clearOperation(operationId);
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const choice = linkSettingsChoice(draft, current);
    if (!choice.ok) return setProblem(t(choice.problem === 'link-host' ? 'system.links.badLinkHost' : 'system.links.badKeyPorts'));
    if (Object.keys(choice.change).length === 0) return setProblem(t('system.links.nothing'));
    setProblem(null);
    setReview(choice.change);
  };

  const confirm = async (change: LinkSettingsChange) => {
    if (await useSystemStore.getState().changeLinkSettings(serverId, change)) onClose();
  };

  if (review) {
    return (
      <ModalDialog title={t('system.links.confirmTitle', { server: serverName })} onClose={close} testId="link-settings-confirm">
        <p>{t('system.links.confirmIntro')}</p>
        <ul data-testid="link-settings-changes">
          {FIELDS.filter((field) => review[field] !== undefined).map((field) => (
            <li key={field}>
              {t('system.links.changeLine', { label: t(`system.links.${FIELD_WORDS[field]}`), before: shown(t, field, current), after: shown(t, field, after(current, review, sshHost)) })}
            </li>
          ))}
        </ul>
        {changesLinks(review) && (
          <p className="link-warning" data-testid="link-settings-confirm-warning">
            {t('system.links.confirmLinks')}
          </p>
        )}
        {review.keyPorts && <p className="small">{t('system.links.confirmKeyPorts')}</p>}
        <InlineError message={operation.error} testId="link-settings-error" />
        <DialogActions
          back={{ label: t('system.links.back'), testId: 'link-settings-back', disabled: operation.running, onClick: () => setReview(null) }}
          go={{
            label: changesLinks(review) ? t('system.links.confirm') : t('system.links.confirmPortsOnly'),
            tone: 'danger',
            testId: 'link-settings-confirm-ok',
            disabled: operation.running,
            onClick: () => void confirm(review),
          }}
        >
          {operation.running && <Spinner label={progress ? stepText(progress) : t('system.links.working')} />}
        </DialogActions>
      </ModalDialog>
    );
  }

  return (
    <ModalDialog title={t('system.links.dialogTitle', { server: serverName })} onClose={close} testId="link-settings-dialog" wide>
      <form className="form" onSubmit={submit}>
        <p className="link-warning" data-testid="link-settings-warning">
          {t('system.links.warning')}
        </p>
        <div className="form-grid">
          <LabelledInput label={t('system.links.linkHostField')} value={draft.linkHost} onChange={edit('linkHost')} placeholder={current.linkHostSet ? '' : current.linkHost} testId="link-host-input" />
          <LabelledInput label={t('system.links.targetField')} value={draft.realityTarget} onChange={edit('realityTarget')} placeholder="dl.google.com:443" testId="link-reality-target-input" />
          <LabelledInput label={t('system.links.namesField')} value={draft.realityServerNames} onChange={edit('realityServerNames')} placeholder="dl.google.com" testId="link-server-names-input" />
          <LabelledInput label={t('system.links.keyPortsFrom')} value={draft.keyPortsFrom} onChange={edit('keyPortsFrom')} inputMode="numeric" testId="link-key-ports-from-input" />
          <LabelledInput label={t('system.links.keyPortsTo')} value={draft.keyPortsTo} onChange={edit('keyPortsTo')} inputMode="numeric" testId="link-key-ports-to-input" />
        </div>
        <p className="small muted">{t('system.links.keyPortsHint')}</p>
        <InlineError message={problem} testId="link-settings-problem" />
        <DialogActions
          back={{ label: t('common.cancel'), testId: 'link-settings-cancel', onClick: close }}
          go={{ label: t('system.links.review'), tone: 'primary', submit: true, testId: 'link-settings-review' }}
        />
      </form>
    </ModalDialog>
  );
}

/** The settings as the change would leave them. */
function after(current: LinkSettings, change: LinkSettingsChange, sshHost: string): LinkSettings {
  return {
    linkHost: change.linkHost === undefined ? current.linkHost : (change.linkHost ?? sshHost),
    linkHostSet: change.linkHost === undefined ? current.linkHostSet : change.linkHost !== null,
    realityTarget: change.realityTarget ?? current.realityTarget,
    realityServerNames: change.realityServerNames ?? current.realityServerNames,
    keyPorts: change.keyPorts ?? current.keyPorts,
  };
}

function shown(t: TFunction, field: LinkSettingsField, settings: LinkSettings): string {
  switch (field) {
    case 'linkHost':
      return settings.linkHostSet ? settings.linkHost : t('system.links.sshHost', { host: settings.linkHost });
    case 'realityTarget':
      return settings.realityTarget;
    case 'realityServerNames':
      return settings.realityServerNames.join(', ');
    case 'keyPorts':
      return t('system.links.keyPortsValue', { from: settings.keyPorts.from, to: settings.keyPorts.to });
  }
}
