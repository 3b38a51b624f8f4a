import { useTranslation } from 'react-i18next';
import type { HostFigures } from '../../../../shared/contract/api-types.ts';
import type { Cached } from '../../../../shared/contract/services.ts';
import { diskTitle, diskWords, loadTitle, loadWords, memoryWords, uptimeWords } from '../../format/host-figure-words.ts';
import { formatUtcTime } from '../../format/format-time.ts';
import type { Loadable } from '../../state/loadable.ts';

/**
 * A server's host as its agent last read it: Xray version, uptime, load, memory and free disk;
 * from the cache while the server is offline, saying as of when.
 */
export function FleetHostFigures({ host }: { host: Loadable<Cached<HostFigures>> | undefined }) {
  const { t } = useTranslation();
  const cached = host?.value;
  if (!cached) {
    // Offline before any read, or not deployed: nothing to say. An agent older than the figures: say why there are none.
    if (host?.errorCode !== 'not-found') return null;
    return (
      <div className="muted small" data-testid="fleet-host-none" title={t('fleet.host.notReported')}>
        {t('fleet.host.notReportedShort')}
      </div>
    );
  }
  const { data } = cached;
  const readAtMs = Date.parse(cached.syncedAt);
  return (
    <ul className="fleet-host" data-testid="fleet-host-figures">
      <li className="fleet-host-value" data-testid="fleet-host-xray" data-version={data.xray_version ?? ''}>
        {data.xray_version === null ? t('fleet.host.noXray') : t('server.xrayVersion', { version: data.xray_version })}
      </li>
      {data.uptime_seconds !== null && (
        <li
          data-testid="fleet-host-uptime"
          data-seconds={data.uptime_seconds}
          title={t('fleet.host.bootedAt', { time: formatUtcTime(readAtMs - data.uptime_seconds * 1000) })}
        >
          <Figure label={t('fleet.host.uptimeLabel')} value={uptimeWords(data.uptime_seconds)} />
        </li>
      )}
      {data.load_average !== null && (
        <li data-testid="fleet-host-load" data-cpus={data.cpu_count} title={loadTitle(data.load_average)}>
          <Figure label={t('fleet.host.loadLabel')} value={loadWords(data.load_average, data.cpu_count)} />
        </li>
      )}
      {data.memory !== null && (
        <li data-testid="fleet-host-memory" data-total-bytes={data.memory.total_bytes} title={t('fleet.host.memoryTitle')}>
          <Figure label={t('fleet.host.memoryLabel')} value={memoryWords(data.memory)} />
        </li>
      )}
      {data.disk !== null && (
        <li data-testid="fleet-host-disk" data-available-bytes={data.disk.available_bytes} data-total-bytes={data.disk.total_bytes} title={diskTitle(data.disk)}>
          <Figure label={t('fleet.host.diskLabel')} value={diskWords(data.disk)} />
        </li>
      )}
      {cached.source === 'cache' && (
        <li className="muted" data-testid="fleet-host-cache-note">
          {t('fleet.fromCache', { time: formatUtcTime(cached.syncedAt) })}
        </li>
      )}
    </ul>
  );
}

/** A label and its figure: a narrow column breaks between them, never inside the figure. */
function Figure({ label, value }: { label: string; value: string }) {
  return (
    <>
      {label} <span className="fleet-host-value">{value}</span>
    </>
  );
}
