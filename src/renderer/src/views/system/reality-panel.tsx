import { CheckMark } from '../../components/check-mark.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useOperation } from '../../state/operations-store.ts';
import { selectReality, useSystemStore, verifyRealityOperation } from '../../state/system-store.ts';

/** Checks the server's Reality settings and lists each finding. */
export function RealityPanel({ serverId }: { serverId: string }) {
  const report = useSystemStore(selectReality(serverId));
  const verifyReality = useSystemStore((state) => state.verifyReality);
  const verify = useOperation(verifyRealityOperation(serverId));
  return (
    <section className="panel" data-testid="reality-panel">
      <h2>Reality</h2>
      <div className="panel-actions">
        <button type="button" onClick={() => void verifyReality(serverId)} disabled={verify.running} data-testid="system-verify-reality">
          Verify Reality
        </button>
        {verify.running && <Spinner label="Checking…" />}
        {report && !verify.running && (
          <span data-testid="reality-valid" data-valid={report.valid}>
            <CheckMark ok={report.valid} yes="all checks pass" no="some checks fail" />
          </span>
        )}
      </div>
      <InlineError message={verify.error} testId="reality-error" />
      {report && (
        <>
          <ul className="checks" data-testid="reality-checks">
            {report.checks.map((check) => (
              <li key={check.name} data-testid="reality-check" data-ok={check.ok}>
                <CheckMark ok={check.ok} yes={check.name} no={check.name} /> <span className="muted">{check.detail}</span>
              </li>
            ))}
          </ul>
          <dl className="facts">
            <dt>Target</dt>
            <dd>{report.dest}</dd>
            <dt>Server names</dt>
            <dd>{report.server_names.join(', ')}</dd>
            <dt>Public key</dt>
            <dd>
              <code>{report.public_key}</code>
            </dd>
            <dt>Short ids</dt>
            <dd>{report.short_ids.join(', ') || '—'}</dd>
            <dt>Fingerprint</dt>
            <dd>{report.fingerprint}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
