import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { i18n } from '../i18n/i18n.ts';
import { errorMessage } from './error-message.ts';

test('arguments the bridge refused read as this page out of step with the console, naming the argument', () => {
  const refused = new KeyportError('bad-input', 'keys.create refused argument 1 (name): expected string', {
    call: 'keys.create',
    argument: 1,
    argumentName: 'name',
    field: '',
    problem: 'expected string',
  });
  assert.equal(
    errorMessage(refused),
    "The console refused this page's call keys.create: argument 1 (name): expected string. Reload the page; if it happens again, it is a bug in Keyport.",
  );
});

test('any other bad input keeps the core’s words', () => {
  assert.equal(errorMessage(new KeyportError('bad-input', 'a key name is 1 to 64 characters', { name: '' })), 'a key name is 1 to 64 characters');
});

test('a server added without a host or a way to log in names the window’s fields, not CLI flags', () => {
  assert.equal(
    errorMessage(new KeyportError('bad-input', 'a server needs a host name or an ssh config alias', { missing: 'host' })),
    'a server needs a host name or an ssh config alias. Fill in Host, or choose “~/.ssh/config alias” and name one.',
  );
  assert.match(
    errorMessage(new KeyportError('bad-input', 'no way to log in: no credentials given, no key file found, no ssh-agent running', { missing: 'credentials' })),
    /Log in with/,
  );
});

test('in Russian a failure leads with the window’s words and keeps the core’s as details, unless its facts say it all', async (t) => {
  await i18n.changeLanguage('ru');
  t.after(() => i18n.changeLanguage('en'));
  const notDeployed = new KeyportError('agent-not-deployed', 'the Keyport agent is not deployed on beta yet: deploy it first', { server: 'beta' });
  assert.equal(errorMessage(notDeployed), 'На beta ещё нет агента Keyport: сначала установите его');
  const refused = new KeyportError('deploy-failed', 'health-check: the agent did not answer within 20 s', { step: 'health-check' });
  assert.match(errorMessage(refused), /\(подробности: health-check: the agent did not answer within 20 s\)$/);
});

test('a key port range that leaves out keys says how many and which ports they use, in the chosen language', async () => {
  const refused = (outside: number) =>
    new KeyportError('key-ports-exclude-keys', `${outside} of alpha's key(s) have ports outside 20001-20999`, { server: 'alpha', from: 20001, to: 20999, outside, lowestPort: 10001, highestPort: 10005 });
  assert.equal(errorMessage(refused(1)), '1 key has a port outside 20001-20999 (keys use 10001-10005): choose a range that holds them; nothing was changed');
  assert.match(errorMessage(refused(3)), /^3 keys have ports outside/);
  await i18n.changeLanguage('ru');
  try {
    assert.match(errorMessage(refused(1)), /^У 1 ключа порт вне 20001-20999 \(ключи используют 10001-10005\)/);
    assert.match(errorMessage(refused(3)), /^У 3 ключей порты вне/);
    assert.match(errorMessage(refused(5)), /^У 5 ключей порты вне/);
  } finally {
    await i18n.changeLanguage('en');
  }
});

test('an unknown SSH alias says there is no such Host and what to do in this window, in English and Russian', async () => {
  const unknown = new KeyportError('ssh-alias-unknown', 'no Host berlim in ~/.ssh/config', { alias: 'berlim', configPath: '~/.ssh/config', configFound: true });
  assert.equal(
    errorMessage(unknown),
    'no Host berlim in ~/.ssh/config. Check the alias (the field offers the hosts found there), add a “Host berlim” block to ~/.ssh/config, or choose “Host and login” and type the address.',
  );
  await i18n.changeLanguage('ru');
  try {
    assert.match(errorMessage(unknown), /^Нет такого псевдонима SSH \(подробности: no Host berlim in ~\/\.ssh\/config\)\. Проверьте псевдоним/);
  } finally {
    await i18n.changeLanguage('en');
  }
});

test('a key file that cannot be used says what to fix for each problem, and never "tries again"', () => {
  for (const [problem, words] of [
    ['missing', /there is no file there/],
    ['unreadable', /readable/],
    ['not-a-private-key', /without \.pub/],
    ['passphrase-needed', /passphrase field/],
    ['passphrase-wrong', /passphrase of this very key/],
  ] as const) {
    const message = errorMessage(new KeyportError('ssh-key-unusable', `The SSH private key /k cannot be used (${problem})`, { file: '/k', problem }));
    assert.match(message, words, problem);
    assert.doesNotMatch(message, /tries again/);
  }
});
