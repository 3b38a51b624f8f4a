import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKeyportError } from '../../shared/contract/errors.ts';
import { SERVICE_CALLS } from '../../shared/contract/services.ts';
import { checkCallArgs } from './check-call-args.ts';

const deployCall = (options: unknown) => () => checkCallArgs('deploy.deploy', SERVICE_CALLS.deploy.deploy, ['paris', options]);

test('the bridge carries the deploy dialog’s subscription options: a port, with both files or plain HTTP, or off', () => {
  for (const subscriptions of [{ port: 8443 }, { port: 443, tls: { certFile: '/etc/sub.pem', keyFile: '/etc/sub.key' } }, { port: 8080, tls: false }, false]) {
    assert.doesNotThrow(deployCall({ subscriptions }), JSON.stringify(subscriptions));
  }
});

test('subscription options of another shape are bad-input before the core sees them', () => {
  const refused = [
    { port: 0 },
    { port: 70000 },
    { port: '8443' },
    { port: 8443, tls: { certFile: '/etc/sub.pem' } },
    { port: 8443, tls: { certFile: '', keyFile: '/etc/sub.key' } },
    { port: 8443, tls: true },
    { port: 8443, host: '0.0.0.0' },
    true,
    null,
  ];
  for (const subscriptions of refused) {
    assert.throws(deployCall({ subscriptions }), (error: unknown) => isKeyportError(error) && error.code === 'bad-input', JSON.stringify(subscriptions));
  }
});
