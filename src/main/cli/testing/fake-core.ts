import type { Deploy, Fleet, Keys, People, System, Traffic } from '../../../shared/contract/services.ts';
import type { KeyportCore } from '../../core/keyport-core.ts';

export interface FakeCoreParts {
  fleet?: Partial<Fleet>;
  deploy?: Partial<Deploy>;
  keys?: Partial<Keys>;
  traffic?: Partial<Traffic>;
  system?: Partial<System>;
  people?: Partial<People>;
  openTunnel?: KeyportCore['openTunnel'];
  backups?: Partial<KeyportCore['backups']>;
  consoleState?: Partial<KeyportCore['consoleState']>;
}

/**
 * A KeyportCore for in-process CLI tests: the parts given answer, every call is recorded as
 * `service.method`, and a call nobody expected fails the command.
 */
export function fakeCore(parts: FakeCoreParts = {}): { core: KeyportCore; calls: string[] } {
  const calls: string[] = [];
  const recorded = (name: string, implementation: ((...args: never[]) => unknown) | undefined) =>
    async (...args: never[]) => {
      calls.push(name);
      if (!implementation) throw new Error(`unexpected call: ${name}`);
      return implementation(...args);
    };
  const service = (serviceName: string, methods: object = {}) =>
    new Proxy(methods, {
      get: (target, method) => recorded(`${serviceName}.${String(method)}`, Reflect.get(target, method)),
    });
  const core = {
    fleet: service('fleet', parts.fleet),
    deploy: service('deploy', parts.deploy),
    keys: service('keys', parts.keys),
    traffic: service('traffic', parts.traffic),
    system: service('system', parts.system),
    backups: service('backups', parts.backups),
    consoleState: service('consoleState', parts.consoleState),
    people: service('people', parts.people),
    openTunnel: recorded('openTunnel', parts.openTunnel),
    close: recorded('close', async () => {}),
  };
  return { core: core as unknown as KeyportCore, calls };
}
