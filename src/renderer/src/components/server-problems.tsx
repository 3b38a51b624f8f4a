import { useState, type FormEvent, type ReactNode } from 'react';
import type { ServerProblem } from '../../../shared/contract/server-health.ts';
import { problemDetail, problemTitle } from '../format/problem-words.ts';
import { selectStatus, useFleetStore } from '../state/fleet-store.ts';
import { useNavigationStore } from '../state/navigation-store.ts';
import { useOperation, type OperationState } from '../state/operations-store.ts';
import { checkPortsOperation, selectXrayInstall, syncConfigOperation, useServerHealthStore } from '../state/server-health-store.ts';
import { StepList } from './step-list.tsx';
import { InlineError } from './inline-error.tsx';
import { LabelledInput } from './labelled-input.tsx';
import { Spinner } from './spinner.tsx';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

const NO_PROBLEMS: ServerProblem[] = [];

function useProblems(serverId: string): ServerProblem[] {
  return useFleetStore(selectStatus(serverId))?.value?.problems ?? NO_PROBLEMS;
}

/**
 * What keeps this server's keys' links from working, each with the fix: install Xray (with its
 * step log), sync now, or check the ports again once the firewall is opened.
 */
export function ServerProblems({ serverId }: { serverId: string }) {
  useTranslation();
  const problems = useProblems(serverId);
  const install = useServerHealthStore(selectXrayInstall(serverId));
  if (problems.length === 0 && !install) return null;
  return (
    <section className="server-problems" data-testid="server-problems" aria-live="polite">
      {problems.map((problem) => (
        <div key={problem.code} className="problem" data-testid="server-problem" data-code={problem.code}>
          <div className="problem-text">
            <strong>{problemTitle(problem)}.</strong> <span data-testid="server-problem-detail">{problemDetail(problem)}</span>
          </div>
          {problem.fix === 'install-xray' && <InstallXrayForm serverId={serverId} />}
          {problem.fix === 'sync-config' && <SyncNowButton serverId={serverId} />}
          {problem.fix === 'open-firewall' && <CheckPortsButton serverId={serverId} />}
        </div>
      ))}
      <XrayInstallLog serverId={serverId} />
    </section>
  );
}

/** The fleet row's line: the worst problem in a sentence and the button that fixes it (installing opens the server). */
export function ServerProblemLine({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const problems = useProblems(serverId);
  const openServer = useNavigationStore((state) => state.openServer);
  const problem = problems[0];
  if (!problem) return null;
  return (
    <div className="problem-line small" data-testid="fleet-problem" data-code={problem.code}>
      <span>{problemDetail(problem)}</span>{' '}
      {problem.fix === 'install-xray' && (
        <button type="button" className="link-button" onClick={() => openServer(serverId)} data-testid="fleet-install-xray">
          {t('problems.installXrayLink')}
        </button>
      )}
      {problem.fix === 'sync-config' && <SyncNowButton serverId={serverId} small />}
      {problem.fix === 'open-firewall' && <CheckPortsButton serverId={serverId} small />}
    </div>
  );
}

function SyncNowButton({ serverId, small = false }: { serverId: string; small?: boolean }) {
  const { t } = useTranslation();
  const syncNow = useServerHealthStore((state) => state.syncNow);
  const sync = useOperation(syncConfigOperation(serverId));
  return (
    <FixButton operation={sync} onClick={() => void syncNow(serverId)} className={small ? 'small-button' : 'primary'} testIds={['problem-sync-now', 'problem-sync-error']}>
      {sync.running ? t('common.syncing') : t('common.syncNow')}
    </FixButton>
  );
}

function CheckPortsButton({ serverId, small = false }: { serverId: string; small?: boolean }) {
  const { t } = useTranslation();
  const checkPorts = useServerHealthStore((state) => state.checkPorts);
  const check = useOperation(checkPortsOperation(serverId));
  return (
    <FixButton operation={check} onClick={() => void checkPorts(serverId)} className={small ? 'small-button' : undefined} testIds={['problem-check-ports', 'problem-check-error']}>
      {check.running ? t('common.checking') : t('problems.checkAgain')}
    </FixButton>
  );
}

interface FixButtonProps {
  operation: OperationState;
  onClick: () => void;
  className: string | undefined;
  /** The button's and its error's. */
  testIds: [string, string];
  children: ReactNode;
}

/** A problem's fix as one button, disabled while it runs, with the run's failure beside it. */
function FixButton({ operation, onClick, className, testIds: [buttonId, errorId], children }: FixButtonProps) {
  return (
    <span className="problem-fix">
      <button type="button" className={className} disabled={operation.running} onClick={onClick} data-testid={buttonId}>
        {children}
      </button>
      <InlineError message={operation.error} testId={errorId} />
    </span>
  );
}

/** A field of the install form, in the words of `problems.<name>`, `…Placeholder` and `…Aria`. */
const installField = (t: TFunction, name: 'version' | 'mirror', size: number, testId: string) => ({
  label: t(`problems.${name}`),
  placeholder: t(`problems.${name}Placeholder`),
  'aria-label': t(`problems.${name}Aria`),
  size,
  testId,
});

/** Version and, for servers that cannot reach GitHub, a mirror laid out like its releases. */
function InstallXrayForm({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const install = useServerHealthStore(selectXrayInstall(serverId));
  const installXray = useServerHealthStore((state) => state.installXray);
  // Empty: the release Keyport was checked against (the core fills it in); latest comes with a warning.
  const [version, setVersion] = useState('');
  const [releasesUrl, setReleasesUrl] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const url = releasesUrl.trim();
    const tag = version.trim();
    void installXray(serverId, { ...(tag ? { version: tag } : {}), ...(url ? { releasesUrl: url } : {}) });
  };
  return (
    <form className="install-xray inline-form" onSubmit={submit} data-testid="install-xray-form">
      <LabelledInput {...installField(t, 'version', 16, 'install-xray-version')} value={version} onChange={setVersion} />
      <LabelledInput {...installField(t, 'mirror', 34, 'install-xray-releases-url')} value={releasesUrl} onChange={setReleasesUrl} />
      <button type="submit" className="primary" disabled={install?.running} data-testid="install-xray-button">
        {install?.running ? t('problems.installing') : t('problems.install')}
      </button>
    </form>
  );
}

/** The live step log of the server's latest Xray install, and how it ended. */
function XrayInstallLog({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const install = useServerHealthStore(selectXrayInstall(serverId));
  const dismiss = useServerHealthStore((state) => state.dismissXrayInstall);
  if (!install) return null;
  const outcome = install.running ? 'running' : install.error ? 'failed' : 'done';
  return (
    <section className="deploy-log" data-testid="install-xray-log" data-outcome={outcome}>
      <StepList steps={install.steps} />
      {install.running && <Spinner label={t('problems.installingXray')} />}
      {install.result && (
        <p className="step-outcome" data-testid="install-xray-result">
          {t('problems.installed', { version: install.result.xrayVersion, path: install.result.binaryPath })}
        </p>
      )}
      <InlineError message={install.error} testId="install-xray-error" />
      {!install.running && (
        <button type="button" className="deploy-log-close" onClick={() => dismiss(serverId)} data-testid="install-xray-log-close">
          {t('common.closeLog')}
        </button>
      )}
    </section>
  );
}
