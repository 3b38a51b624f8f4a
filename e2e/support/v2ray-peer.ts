import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamespaceProcess } from '../harness/namespace-process.ts';
import type { NamespaceRunner } from '../harness/namespace-runner.ts';
import { waitFor } from '../../test-support/wait.ts';

/** Debian's v2ray (4.34), installed by scripts/setup.sh; undefined when it is missing. */
export function v2rayBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v v2ray'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs v2ray on `config` inside `namespace`, after `v2ray -test` has accepted it, and waits until
 * it listens on every port in `ports`. The config file is written to `dir` as NAME.json.
 */
export async function startV2ray(
  network: NamespaceRunner,
  namespace: string,
  name: string,
  config: object,
  dir: string,
  ports: readonly number[],
): Promise<NamespaceProcess> {
  const bin = v2rayBinary();
  if (!bin) throw new Error('v2ray is not installed (scripts/setup.sh installs Debian\'s)');
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  try {
    execFileSync(bin, ['-test', '-config', file], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`v2ray -test refused ${name}'s config: ${stdout}${stderr}`);
  }
  // No geo files are needed (rules are CIDRs); the asset dir keeps v2ray from looking elsewhere.
  const child = network.spawn(name, namespace, bin, ['-config', file], { ...process.env, V2RAY_LOCATION_ASSET: dir });
  await waitFor(
    `${name} to listen on ${ports.join(', ')}`,
    () => {
      if (child.exited) throw new Error(`${name} exited: ${child.output}`);
      return ports.every((port) => network.listening(namespace, port)) ? true : undefined;
    },
    10_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${name} output: ${child.output}`);
  });
  return child;
}
