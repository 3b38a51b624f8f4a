import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import { selectDeploy, selectServer, selectStatus, useFleetStore } from '../state/fleet-store.ts';
import { InlineError } from './inline-error.tsx';
import { Spinner } from './spinner.tsx';

export const STEP_MARKS: Record<DeployProgress['state'], string> = { started: '…', done: '✓', skipped: '–', failed: '✗' };

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

/** One line per step: a step's "started" gives way to how it ended. */
export function stepLines(steps: readonly DeployProgress[]): DeployProgress[] {
  const lines: DeployProgress[] = [];
  for (const progress of steps) {
    const last = lines.at(-1);
    if (last && last.step === progress.step && last.state === 'started') lines[lines.length - 1] = progress;
    else lines.push(progress);
  }
  return lines;
}

/** The live step log of the server's latest deploy, and how it ended. */
export function DeployLog({ serverId }: { serverId: string }) {
  const deploy = useFleetStore(selectDeploy(serverId));
  const dismissDeploy = useFleetStore((state) => state.dismissDeploy);
  if (!deploy) return null;
  const outcome = deploy.running ? 'running' : deploy.error ? 'failed' : 'done';
  return (
    <section className="deploy-log" data-testid="deploy-log" data-outcome={outcome} aria-live="polite">
      <ol>
        {stepLines(deploy.steps).map((progress, index) => (
          <li key={index} className={`step step-${progress.state}`} data-step={progress.step} data-state={progress.state}>
            <span className="step-mark" aria-hidden="true">
              {STEP_MARKS[progress.state]}
            </span>
            <span className="step-name">{progress.step}</span>
            <span className="step-message">{progress.message}</span>
          </li>
        ))}
      </ol>
      {deploy.running && <Spinner label="Deploying…" />}
      {deploy.result && (
        <p className="step-outcome" data-testid="deploy-result">
          {deploy.result.rolledBack ? 'Rolled back to the previous release' : `Agent ${deploy.result.agentVersion} running`} (release{' '}
          {deploy.result.release}, {deploy.result.facts.os} {deploy.result.facts.arch}, {deploy.result.facts.init}
          {deploy.result.facts.xrayVersion ? `, Xray ${deploy.result.facts.xrayVersion}` : ', no Xray found'}).
        </p>
      )}
      <InlineError message={deploy.error} testId="deploy-error" />
      {!deploy.running && (
        <button type="button" className="deploy-log-close" onClick={() => dismissDeploy(serverId)} data-testid="deploy-log-close">
          Close log
        </button>
      )}
    </section>
  );
}
