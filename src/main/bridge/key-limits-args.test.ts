import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateKeyBody, UpdateKeyBody } from '../../../remote-agent/src/api/index.ts';
import { KeyRequest, KeyUpdate } from '../../shared/contract/call-args.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import { SERVICE_CALLS } from '../../shared/contract/services.ts';
import { checkCallArgs } from './check-call-args.ts';

const fields = (schema: unknown) => Object.keys((schema as { properties: Record<string, unknown> }).properties).sort();

test('the bridge takes a key to create and a key change of exactly the fields the agent’s API defines', () => {
  assert.deepEqual(fields(KeyRequest), fields(CreateKeyBody));
  assert.deepEqual(fields(KeyUpdate), fields(UpdateKeyBody));
});

test('keys.create, update and createMany carry limits; a field of the wrong type or unknown is refused before the core', () => {
  const refused = (call: () => unknown, field: string) =>
    assert.throws(call, (error: unknown) => error instanceof KeyportError && error.code === 'bad-input' && String(error.facts.field).startsWith(field));
  const { create, update, createMany } = SERVICE_CALLS.keys;
  const limits = { data_limit_bytes: 1024, data_limit_reset: 'month', expires_at: null, note: 'n' };
  assert.deepEqual(checkCallArgs('keys.create', create, ['alpha', 'carol', limits]), ['alpha', 'carol', limits]);
  assert.deepEqual(checkCallArgs('keys.create', create, ['alpha', 'carol', null]), ['alpha', 'carol', undefined]);
  assert.deepEqual(checkCallArgs('keys.update', update, ['alpha', 'k1', { name: 'x', is_active: false, data_limit_bytes: null }]).length, 3);
  const rows = ['anna', { name: 'boris', note: 'VIP' }];
  assert.deepEqual(checkCallArgs('keys.createMany', createMany, ['alpha', rows, { limits: { expires_at: '2027-03-01T00:00:00' } }])[1], rows);
  refused(() => checkCallArgs('keys.create', create, ['alpha', 'carol', { data_limit_bytes: '50GB' }]), '/data_limit_bytes');
  refused(() => checkCallArgs('keys.create', create, ['alpha', 'carol', { quota: 1 }]), '/quota');
  refused(() => checkCallArgs('keys.update', update, ['alpha', 'k1', {}]), '');
  refused(() => checkCallArgs('keys.createMany', createMany, ['alpha', [{ note: 'no name' }]]), '/0');
});

test('people.add takes a person’s limits but no uuid (the core gives one); people.move refuses a negative grace period', () => {
  const refused = (call: () => unknown, field: string) =>
    assert.throws(call, (error: unknown) => error instanceof KeyportError && error.code === 'bad-input' && String(error.facts.field).startsWith(field));
  const { add, move } = SERVICE_CALLS.people;
  assert.deepEqual(checkCallArgs('people.add', add, ['anna', ['alpha', 'beta'], { data_limit_bytes: 1024 }]), ['anna', ['alpha', 'beta'], { data_limit_bytes: 1024 }]);
  refused(() => checkCallArgs('people.add', add, ['anna', ['alpha'], { uuid: '9b2f4c7e-1a2b-4c3d-8e9f-0123456789ab' }]), '/uuid');
  refused(() => checkCallArgs('people.add', add, ['anna', []]), '');
  assert.deepEqual(checkCallArgs('people.move', move, [{ from: 'alpha', to: 'beta', all: true, disableAfterMs: 0 }]), [{ from: 'alpha', to: 'beta', all: true, disableAfterMs: 0 }]);
  refused(() => checkCallArgs('people.move', move, [{ from: 'alpha', to: 'beta', all: true, disableAfterMs: -1 }]), '/disableAfterMs');
});
