import type { PortRange } from '../../../shared/contract/servers.ts';
import { shellQuote } from '../ssh/remote-host.ts';
import { AGENT_FILE_NAME, AGENT_PATH, DATA_DIR, releaseDir, runtimeBinary } from './remote-layout.ts';

export interface RunScriptOptions {
  release: string;
  runtimeSha256: string;
  apiPort: number;
  publicHost: string;
  keyPorts: PortRange;
  /** iptables families whose INPUT drops: the agent accepts the key ports there (`--open-key-ports`). */
  openKeyPorts?: readonly ('v4' | 'v6')[];
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
