import { useState } from 'react';
import type { DeployResult } from '../../../shared/contract/deploy.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { errorAction } from '../format/error-action.ts';
import { deployLockWords } from '../format/deploy-lock-words.ts';
import { selectDeploy, selectServer, selectStatus, useFleetStore } from '../state/fleet-store.ts';
import { InlineError } from './inline-error.tsx';
import { Spinner } from './spinner.tsx';
import { StepList } from './step-list.tsx';
import type { TFunction } from 'i18next';
import { Trans, useTranslation } from 'react-i18next';

/**
 * Deploy, upgrade or redeploy the agent, named by what the server has now. A first deploy is the
 * server's next step and an upgrade is advised: those are primary. A redeploy is seldom needed, so
 * it is a plain button; it and an upgrade restart a running agent, so they ask first. Once confirmed, the dialog closes:
 * the deploy log beside the server shows how it goes.
 */
export function DeployButton({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const deploy = useFleetStore(selectDeploy(serverId));
  const server = useFleetStore(selectServer(serverId));
  const status = useFleetStore(selectStatus(serverId));
  const startDeploy = useFleetStore((state) => state.deploy);
  const [asking, setAsking] = useState(false);
  const deployed = Boolean(server?.agent);
  const outdated = deployed && status?.value?.agentOutdated === true;
  const label = !deployed ? t('deploy.deploy') : outdated ? t('deploy.upgrade') : t('deploy.redeploy');
  const name = server?.name ?? serverId;
  return (
    <>
      <button
        type="button"
        className={!deployed || outdated ? 'primary' : undefined}
        disabled={deploy?.running}
        data-testid="deploy-button"
        data-deploy={!deployed ? 'deploy' : outdated ? 'upgrade' : 'redeploy'}
        onClick={() => (deployed ? setAsking(true) : void startDeploy(serverId))}
      >
        {deploy?.running ? t('deploy.deploying') : label}
      </button>
      {asking && (
        <ConfirmDialog
          title={t(outdated ? 'deploy.upgradeTitle' : 'deploy.redeployTitle', { server: name })}
          confirmLabel={label}
          tone="primary"
          operationId={`redeploy:${serverId}`}
          onConfirm={async () => {
            void startDeploy(serverId);
            return true;
          }}
          onClose={() => setAsking(false)}
        >
          <p>{t('deploy.redeployText', { server: name })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Where a deploy left the subscription listener, in words. */
function subscriptionWords(t: TFunction, result: DeployResult): string {
  const served = result.subscriptions;
  if (!served) return '';
  return t(served.certificate ? 'deploy.subscriptionsHttps' : 'deploy.subscriptionsPlain', { base: served.urlBase });
}

/** The live step log of the server's latest deploy, and how it ended. */
export function DeployLog({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const deploy = useFleetStore(selectDeploy(serverId));
  const server = useFleetStore(selectServer(serverId));
  const dismissDeploy = useFleetStore((state) => state.dismissDeploy);
  const startDeploy = useFleetStore((state) => state.deploy);
  if (!deploy) return null;
  const outcome = deploy.running ? 'running' : deploy.error ? 'failed' : 'done';
  const locked = !deploy.running && errorAction(deploy.errorCode, deploy.errorFacts) === 'break-lock';
  return (
    <section className="deploy-log" data-testid="deploy-log" data-outcome={outcome} aria-live="polite">
      <StepList steps={deploy.steps} />
      {deploy.running && <Spinner label={t('deploy.deploying')} />}
      {deploy.result && (
        <p className="step-outcome" data-testid="deploy-result">
          <Trans
            i18nKey="deploy.result"
            values={{
              outcome: deploy.result.rolledBack ? t('deploy.rolledBack') : t('deploy.running', { version: deploy.result.agentVersion }),
              release: deploy.result.release,
              os: deploy.result.facts.os,
              arch: deploy.result.facts.arch,
              init: t(deploy.result.facts.init === 'systemd' ? 'deploy.initSystemd' : 'deploy.initSupervised'),
              xray: deploy.result.facts.xrayVersion ? t('deploy.xrayFound', { version: deploy.result.facts.xrayVersion }) : t('deploy.xrayMissing'),
            }}
            components={{ data: <span translate="no" /> }}
          />
          {subscriptionWords(t, deploy.result)}
        </p>
      )}
      <InlineError message={locked ? deployLockWords(deploy.errorFacts, server?.name ?? serverId) : deploy.error} testId="deploy-error" />
      {locked && (
        <button type="button" className="danger" data-testid="deploy-break-lock" onClick={() => void startDeploy(serverId, { ...deploy.request, breakLock: true })}>
          {t('deploy.breakLock')}
        </button>
      )}
      {!deploy.running && (
        <button type="button" className="deploy-log-close" onClick={() => dismissDeploy(serverId)} data-testid="deploy-log-close">
          {t('common.closeLog')}
        </button>
      )}
    </section>
  );
}
