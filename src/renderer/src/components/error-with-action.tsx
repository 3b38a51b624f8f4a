import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { errorAction, type ErrorAction } from '../format/error-action.ts';
import { useServerCondition } from '../hooks/use-server-condition.ts';
import { useFleetStore } from '../state/fleet-store.ts';
import { isReachFailure, isUnreachableState } from '../state/server-condition.ts';
import { useNavigationStore } from '../state/navigation-store.ts';
import { InlineError } from './inline-error.tsx';
import { useTranslation } from 'react-i18next';

/** A failure as the stores keep it (a Loadable or an operation). */
export interface Failure {
  error: string | null;
  errorCode?: KeyportErrorCode | null;
  errorFacts?: Readonly<Record<string, string | number | boolean | null>> | null;
}

interface ErrorWithActionProps {
  failure: Failure | undefined;
  serverId: string;
  onRetry?: () => void;
  /** What failed, put before the message, e.g. "Live traffic". */
  prefix?: string;
  testId?: string;
  /**
   * While the server cannot be reached, its notice says why once; here a failure for that cause
   * says only that nothing is shown ("placeholder", where a panel would be), or nothing at all.
   */
  unreachable?: 'placeholder' | 'hidden';
}

/**
 * A failure where it happened, with the button that fits its code: try again, check the host key,
 * deploy. `onRetry` is what failed; without it no retry is offered.
 */
export function ErrorWithAction({ failure, serverId, onRetry, prefix, testId, unreachable = 'placeholder' }: ErrorWithActionProps) {
  const { t } = useTranslation();
  const { state } = useServerCondition(serverId);
  const deploy = useFleetStore((state) => state.deploy);
  const refreshServer = useFleetStore((state) => state.refreshServer);
  const openServer = useNavigationStore((state) => state.openServer);
  if (!failure?.error) return null;
  if (isUnreachableState(state) && isReachFailure(failure.errorCode)) {
    if (unreachable === 'hidden') return null;
    return (
      <p className="muted" data-testid={testId ? `${testId}-unreachable` : undefined}>
        {t('reachNotice.notShown')}
      </p>
    );
  }
  const action = errorAction(failure.errorCode, failure.errorFacts);
  const run: Record<ErrorAction, (() => void) | undefined> = {
    retry: onRetry,
    'trust-host-key': () => {
      openServer(serverId);
      void refreshServer(serverId);
    },
    deploy: () => void deploy(serverId),
    'break-lock': () => void deploy(serverId, { breakLock: true }),
    reload: () => window.location.reload(),
  };
  const onClick = action ? run[action] : undefined;
  return (
    <div className="error-with-action">
      <InlineError message={prefix ? t('errors.withPrefix', { prefix, message: failure.error }) : failure.error} testId={testId} />
      {action && onClick && (
        <button
          type="button"
          className={action === 'break-lock' ? 'danger' : 'small-button'}
          onClick={onClick}
          data-testid={testId ? `${testId}-action` : undefined}
          data-action={action}
        >
          {t(`errorAction.${action}`)}
        </button>
      )}
    </div>
  );
}
