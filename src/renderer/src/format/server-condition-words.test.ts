import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerCondition } from '../state/server-condition.ts';
import { activeKeyCaveat, changeBlockedWhy, retryWords, stateTitle, unreachableWords } from './server-condition-words.ts';

const condition = (state: ServerCondition['state'], changes: Partial<ServerCondition> = {}): ServerCondition => ({
  state, canChange: !['offline', 'agent-down', 'host-key-changed', 'host-key-unknown', 'not-deployed', 'deploying'].includes(state), reason: null, retryAt: null, ...changes,
});
const REFUSED = 'Cannot reach root@127.0.0.1:2222: connect ECONNREFUSED 127.0.0.1:2222.';

test('a change that cannot go says why, with the reason the core gave', () => {
  assert.equal(changeBlockedWhy(condition('online'), 'alpha'), null);
  assert.equal(changeBlockedWhy(condition('xray-missing'), 'alpha'), null, 'the agent still takes changes without Xray');
  assert.equal(changeBlockedWhy(condition('offline', { reason: REFUSED }), 'alpha'), `alpha is offline: ${REFUSED}`);
  assert.equal(changeBlockedWhy(condition('host-key-changed'), 'alpha'), 'alpha presents a changed host key');
  assert.equal(changeBlockedWhy(condition('deploying'), 'alpha'), 'A deploy is running on alpha: changes wait until it ends');
  assert.equal(changeBlockedWhy(condition('not-deployed'), 'alpha'), 'alpha has no agent yet: deploy it first');
});

test('out of reach is told once, in the core’s words in English, or in the window’s without them', () => {
  assert.deepEqual(unreachableWords(condition('offline', { reason: REFUSED }), 'alpha'), { summary: REFUSED, details: null });
  assert.deepEqual(unreachableWords(condition('offline'), 'alpha'), { summary: 'alpha is offline', details: null });
  assert.equal(unreachableWords(condition('online'), 'alpha'), null);
  assert.equal(stateTitle(condition('offline', { reason: REFUSED }), 'alpha', 'older'), REFUSED);
  assert.equal(stateTitle(condition('xray-missing'), 'alpha', 'Xray is not installed'), 'Xray is not installed');
});

test('the next try counts down in whole seconds, then says it is trying', () => {
  assert.equal(retryWords(8), 'Keyport tries again in 8 s.');
  assert.equal(retryWords(0), 'Trying again…');
  assert.equal(retryWords(null), null);
});

test('an active key on a server that is not green says why its link may not work', () => {
  assert.equal(activeKeyCaveat(condition('online')), null);
  assert.equal(activeKeyCaveat(condition('xray-down')), 'Active, but its link does not work now: Xray down');
  assert.equal(activeKeyCaveat(condition('offline')), 'Active as last synced; the server does not answer now: Offline');
});

test('in Russian, the countdown and why a change waits are the window’s own words, the core’s message kept as details', async () => {
  const { i18n } = await import('../i18n/i18n.ts');
  await i18n.changeLanguage('ru');
  try {
    assert.equal(retryWords(5), 'Keyport попробует снова через 5 с.');
    assert.equal(changeBlockedWhy(condition('deploying'), 'alpha'), 'На alpha идёт развёртывание: изменения подождут, пока оно не закончится');
    assert.deepEqual(unreachableWords(condition('offline', { reason: REFUSED }), 'alpha'), { summary: 'alpha не отвечает', details: REFUSED });
    // Titles of buttons and badges stay in Russian: the notice above gives the core's words once.
    assert.equal(changeBlockedWhy(condition('offline', { reason: REFUSED }), 'alpha'), 'alpha не в сети');
    assert.equal(stateTitle(condition('offline', { reason: REFUSED }), 'alpha', undefined), 'alpha не в сети');
    const changedKey = 'The host key of 127.0.0.1:2222 has CHANGED: Keyport accepted SHA256:a, but the server now presents SHA256:b';
    assert.deepEqual(unreachableWords(condition('host-key-changed', { reason: changedKey }), 'alpha'), { summary: 'alpha предъявляет изменившийся ключ хоста', details: null });
    assert.equal(stateTitle(condition('xray-missing'), 'alpha', 'Xray is not installed'), undefined);
  } finally {
    await i18n.changeLanguage('en');
  }
});
