import { isIP } from 'node:net';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { SshTarget } from '../../../shared/contract/servers.ts';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
/** What useradd and adduser accept, give or take: no spaces, quotes or shell punctuation. */
const USER_NAME = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;

/**
 * Refuses a target whose host, port or user could not be a real one, before any connection is
 * tried, so a typo gets a plain `bad-input` rather than a DNS error read as "offline".
 */
export function checkSshTarget(target: Pick<SshTarget, 'host' | 'port' | 'user'>): void {
  if (typeof target.host !== 'string' || (!isIP(target.host) && !HOST_NAME.test(target.host))) {
    throw new KeyportError('bad-input', `"${String(target.host)}" is not a host name or IP address`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new KeyportError('bad-input', `SSH port ${String(target.port)} is not 1-65535`);
  }
  if (typeof target.user !== 'string' || !USER_NAME.test(target.user)) {
    throw new KeyportError('bad-input', `"${String(target.user)}" is not a user name (letters, digits, . _ -, not starting with a digit)`);
  }
}
