import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import type { BridgeOutcome } from '../../shared/bridge/bridge-protocol.ts';
import { SERVICE_CALLS, type CallSpec, type KeyportServices } from '../../shared/contract/services.ts';
import { dispatchBridgeCall } from './dispatch-bridge-call.ts';

/** A core that only counts: any call that reaches it is one the bridge let through. */
function countingCore() {
  const reached: string[] = [];
  const services = new Proxy(
    {},
    {
      get: (_target, service) =>
        new Proxy(
          {},
          {
            get: (_inner, method) =>
              async (...args: unknown[]) => {
                reached.push(`${String(service)}.${String(method)}(${JSON.stringify(args.filter((value) => typeof value !== 'function'))})`);
                return null;
              },
          },
        ),
    },
  ) as KeyportServices;
  return { services, reached };
}

const calls = Object.entries(SERVICE_CALLS).flatMap(([service, methods]) =>
  Object.entries(methods as Record<string, CallSpec>).map(([method, spec]) => ({ service, method, spec })),
);

/** Arguments whose schema's default value (Value.Create) it does not itself accept. */
const SAMPLES: Record<string, unknown> = { server: 'alpha', keyId: 'k1', patch: { access_log: true }, changes: { note: 'n' } };

/** A value each argument's schema accepts, to put beside the one that is wrong. */
function validArgs(spec: CallSpec): unknown[] {
  return spec.args.map((arg) => {
    const value = Object.hasOwn(SAMPLES, arg.name) ? SAMPLES[arg.name] : Value.Create(arg.schema);
    assert.ok(Value.Check(arg.schema, value), `${arg.name}: ${JSON.stringify(value)}`);
    return value;
  });
}

const WRONG_VALUES: unknown[] = [12345, 'text', true, [], { not: 'a name' }, ''];

function refusal(outcome: BridgeOutcome) {
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  if (outcome.ok) throw new Error('unreachable');
  assert.equal(outcome.error.code, 'bad-input', JSON.stringify(outcome.error));
  return outcome.error;
}

test('every call in the manifest runs with arguments that match its schemas', async () => {
  for (const { service, method, spec } of calls) {
    const core = countingCore();
    const outcome = await dispatchBridgeCall(core.services, { service, method, args: validArgs(spec) }, () => {});
    assert.deepEqual(outcome, { ok: true, value: null }, `${service}.${method}`);
    assert.equal(core.reached.length, 1, `${service}.${method}`);
  }
});

test('every call with a wrong-typed argument is bad-input naming that argument, and the core is not called', async () => {
  for (const { service, method, spec } of calls) {
    for (const [index, arg] of spec.args.entries()) {
      for (const wrong of WRONG_VALUES.filter((value) => !Value.Check(arg.schema, value))) {
        const core = countingCore();
        const args = validArgs(spec);
        args[index] = wrong;
        const error = refusal(await dispatchBridgeCall(core.services, { service, method, args }, () => {}));
        const what = `${service}.${method} arg ${index} = ${JSON.stringify(wrong)}`;
        assert.equal(error.facts.call, `${service}.${method}`, what);
        assert.equal(error.facts.argument, index, what);
        assert.equal(error.facts.argumentName, arg.name, what);
        assert.match(error.message, new RegExp(`argument ${index} \\(${arg.name}\\)`), what);
        assert.deepEqual(core.reached, [], what);
      }
    }
  }
});

test('every call with an extra argument, or without a required one, is bad-input before the core', async () => {
  for (const { service, method, spec } of calls) {
    const core = countingCore();
    const extra = refusal(await dispatchBridgeCall(core.services, { service, method, args: [...validArgs(spec), 'extra'] }, () => {}));
    assert.equal(extra.facts.argument, spec.args.length, `${service}.${method}`);
    assert.equal(extra.facts.problem, 'unexpected argument');
    const required = spec.args.findLastIndex((arg) => !arg.optional);
    if (required >= 0) {
      const missing = refusal(await dispatchBridgeCall(core.services, { service, method, args: validArgs(spec).slice(0, required) }, () => {}));
      assert.equal(missing.facts.argument, required, `${service}.${method}`);
      assert.equal(missing.facts.problem, 'it is missing');
    }
    assert.deepEqual(core.reached, [], `${service}.${method}`);
  }
});

test('the issue’s keys.create({"not": "a name"}, 12345) is bad-input about argument 0, not internal', async () => {
  const core = countingCore();
  const error = refusal(await dispatchBridgeCall(core.services, { service: 'keys', method: 'create', args: [{ not: 'a name' }, 12345] }, () => {}));
  assert.deepEqual(error.facts, { call: 'keys.create', argument: 0, argumentName: 'server', field: '', problem: 'expected string' });
  assert.equal(error.message, 'keys.create refused argument 0 (server): expected string');
  assert.deepEqual(core.reached, []);
});

test('wrong shapes inside an argument name the field; nothing is coerced', async () => {
  const target = { host: '127.0.0.1', port: 22, user: 'root', auth: { method: 'agent' }, proxyJump: [] };
  const cases: [string, string, unknown[], number, string][] = [
    ['fleet', 'probeHostKey', [{ ...target, port: '22' }], 0, ''],
    ['fleet', 'add', [{ name: 'alpha', host: 'h', port: '22' }], 0, '/port'],
    ['fleet', 'add', [{ name: 'alpha', host: 'h', auth: { method: 'key' } }], 0, '/auth'],
    ['fleet', 'add', [{ name: 'alpha', host: 'h', isAdmin: true }], 0, '/isAdmin'],
    ['fleet', 'add', [{ name: 'alpha', acceptedJumpFingerprints: { 'jump:22': 7 } }], 0, '/acceptedJumpFingerprints/jump:22'],
    ['deploy', 'deploy', ['alpha', { keyPorts: { from: 10001, to: 1.5 } }], 1, '/keyPorts/to'],
    ['deploy', 'deploy', ['alpha', { settings: {} }], 1, '/settings'],
    ['deploy', 'uninstall', ['alpha', { keepData: 'yes' }], 1, '/keepData'],
    ['keys', 'setActive', ['alpha', 'k1', 1], 2, ''],
    ['traffic', 'monthly', ['alpha', { year: 2026, month: 13 }], 1, '/month'],
    ['system', 'updateSettings', ['alpha', { reality_target: 'example.com:443', shell: 'rm -rf /' }], 1, '/shell'],
  ];
  for (const [service, method, args, argument, field] of cases) {
    const core = countingCore();
    const error = refusal(await dispatchBridgeCall(core.services, { service, method, args }, () => {}));
    assert.equal(error.facts.argument, argument, `${service}.${method} ${JSON.stringify(args)}`);
    assert.equal(error.facts.field, field, `${service}.${method} ${JSON.stringify(args)}`);
    assert.deepEqual(core.reached, []);
  }
});

test('a left-out optional argument may come as null (JSON has no undefined) and reaches the core as undefined', async () => {
  const core = countingCore();
  assert.deepEqual(await dispatchBridgeCall(core.services, { service: 'traffic', method: 'monthly', args: ['alpha', null] }, () => {}), { ok: true, value: null });
  assert.deepEqual(core.reached, ['traffic.monthly(["alpha",null])']);
});
