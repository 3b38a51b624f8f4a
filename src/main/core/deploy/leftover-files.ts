import type { RemoteHost } from '../ssh/remote-host.ts';
import {
  API_KEY_FILE,
  HOST_FIREWALL_RECORD,
  HOST_FIREWALL_SUBSCRIPTION_RECORD,
  RELEASES_DIR,
  RUNTIMES_DIR,
  SUBSCRIPTION_CERT_FILE,
  SUBSCRIPTION_KEY_FILE,
  SUPERVISOR_SCRIPT,
  SYSTEMD_UNIT_FILE,
} from './remote-layout.ts';

/**
 * Part files a cut link can leave beside what deploy writes (each is written to `TARGET.XXXXXX`,
 * then renamed over TARGET). Fixed paths and globs, nothing read from anywhere.
 */
const PART_FILES = [
  `${RUNTIMES_DIR}/*/node.??????`,
  `${RELEASES_DIR}/*/keyport-agent.mjs.??????`,
  `${RELEASES_DIR}/*/run.??????`,
  `${SUPERVISOR_SCRIPT}.??????`,
  `${HOST_FIREWALL_RECORD}.??????`,
  `${HOST_FIREWALL_SUBSCRIPTION_RECORD}.??????`,
  `${SUBSCRIPTION_CERT_FILE}.??????`,
  `${SUBSCRIPTION_KEY_FILE}.??????`,
  `${API_KEY_FILE}.??????`,
  `${SYSTEMD_UNIT_FILE}.??????`,
];

/**
 * Removes what interrupted deploys left: their staged uploads (in the SSH user's TMPDIR) and part
 * files. Only a deploy holding the server's lock calls this, so none of these is being written.
 * Returns how many files went.
 */
export async function removeLeftoverFiles(host: RemoteHost): Promise<number> {
  const staged = await host.removeStagedUploads();
  const parts = await host.check(`n=0; for f in ${PART_FILES.join(' ')}; do [ -f "$f" ] && rm -f "$f" && n=$((n+1)); done; echo "parts=$n"`);
  return staged + (Number(/^parts=(\d+)$/m.exec(parts)?.[1]) || 0);
}
