import type { DeployResult } from '../../../shared/contract/deploy.ts';
import { errorAction } from '../format/error-action.ts';
import { deployLockWords } from '../format/deploy-lock-words.ts';
import { selectDeploy, selectServer, selectStatus, useFleetStore } from '../state/fleet-store.ts';
import { InlineError } from './inline-error.tsx';
import { Spinner } from './spinner.tsx';
import { StepList } from './step-list.tsx';

/** Deploy, upgrade or redeploy the agent, named by what the server has now. */
export function DeployButton({ serverId }: { serverId: string }) {
  const deploy = useFleetStore(selectDeploy(serverId));
  const server = useFleetStore(selectServer(serverId));
  const status = useFleetStore(selectStatus(serverId));
  const startDeploy = useFleetStore((state) => state.deploy);
  const label = !server?.agent ? 'Deploy' : status?.value?.agentOutdated ? 'Upgrade' : 'Redeploy';
  return (
    <button type="button" className="primary" disabled={deploy?.running} data-testid="deploy-button" onClick={() => void startDeploy(serverId)}>
      {deploy?.running ? 'Deploying…' : label}
    </button>
  );
}

/** Where a deploy left the subscription listener, in words. */
function subscriptionWords(result: DeployResult): string {
  const served = result.subscriptions;
  if (!served) return '';
  return ` Subscription links: ${served.urlBase}/sub/… over ${served.certificate ? 'HTTPS' : 'plain HTTP (anyone on the way can read them)'}.`;
}

/** The live step log of the server's latest deploy, and how it ended. */
export function DeployLog({ serverId }: { serverId: string }) {
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
      {deploy.running && <Spinner label="Deploying…" />}
      {deploy.result && (
        <p className="step-outcome" data-testid="deploy-result">
          {deploy.result.rolledBack ? 'Rolled back to the previous release' : `Agent ${deploy.result.agentVersion} running`} (release{' '}
          {deploy.result.release}, {deploy.result.facts.os} {deploy.result.facts.arch}, {deploy.result.facts.init}
          {deploy.result.facts.xrayVersion ? `, Xray ${deploy.result.facts.xrayVersion}` : ', no Xray found'}).{subscriptionWords(deploy.result)}
        </p>
      )}
      <InlineError message={locked ? deployLockWords(deploy.errorFacts, server?.name ?? serverId) : deploy.error} testId="deploy-error" />
      {locked && (
        <button type="button" className="danger" data-testid="deploy-break-lock" onClick={() => void startDeploy(serverId, { ...deploy.request, breakLock: true })}>
          Break the lock and deploy
        </button>
      )}
      {!deploy.running && (
        <button type="button" className="deploy-log-close" onClick={() => dismissDeploy(serverId)} data-testid="deploy-log-close">
          Close log
        </button>
      )}
    </section>
  );
}
