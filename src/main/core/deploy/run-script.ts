import type { PortRange } from '../../../shared/contract/servers.ts';
import { shellQuote } from '../ssh/remote-host.ts';
import { AGENT_FILE_NAME, AGENT_PATH, DATA_DIR, SUBSCRIPTION_CERT_FILE, SUBSCRIPTION_KEY_FILE, releaseDir, runtimeBinary } from './remote-layout.ts';
import type { SubscriptionPlan } from './subscription-plan.ts';

export interface RunScriptOptions {
  release: string;
  runtimeSha256: string;
  apiPort: number;
  publicHost: string;
  keyPorts: PortRange;
  /** iptables families whose INPUT drops: the agent accepts the key ports there (`--open-key-ports`). */
  openKeyPorts?: readonly ('v4' | 'v6')[];
  /** The public subscription listener; off when absent. */
  subscriptions?: SubscriptionPlan | null;
}

/** A release's `run`: its own runtime and bundle with the agent flags, so `current` alone says what runs; extra arguments pass through. */
export function runScript(options: RunScriptOptions): string {
  const command = [
    runtimeBinary(options.runtimeSha256),
    `${releaseDir(options.release)}/${AGENT_FILE_NAME}`,
    '--listen',
    `127.0.0.1:${options.apiPort}`,
    '--data-dir',
    DATA_DIR,
    '--public-host',
    options.publicHost,
    '--port-range',
    `${options.keyPorts.from}-${options.keyPorts.to}`,
    ...(options.openKeyPorts && options.openKeyPorts.length > 0 ? ['--open-key-ports', options.openKeyPorts.join(',')] : []),
    ...subscriptionFlags(options.subscriptions),
  ];
  return [
    '#!/bin/sh',
    `# Keyport agent release ${options.release}.`,
    `export PATH=${AGENT_PATH}`,
    // "$@": an admin can run it once by hand with a flag (--restore-backup FILE, --start-empty).
    `exec ${command.map(shellQuote).join(' ')} "$@"`,
    '',
  ].join('\n');
}

function subscriptionFlags(plan: SubscriptionPlan | null | undefined): string[] {
  if (!plan) return [];
  const tls = plan.tls ? ['--subscription-tls-cert', SUBSCRIPTION_CERT_FILE, '--subscription-tls-key', SUBSCRIPTION_KEY_FILE] : [];
  return ['--subscription-listen', `${plan.listenHost}:${plan.port}`, ...tls, '--subscription-url-base', plan.urlBase];
}
