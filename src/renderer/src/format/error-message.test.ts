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
