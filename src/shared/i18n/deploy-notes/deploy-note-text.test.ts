import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployNote } from '../../contract/deploy-notes.ts';
import { messageDifferences } from '../message-parity.ts';
import { DEPLOY_NOTE_LANGUAGES, deployNoteParts, deployNoteText } from './deploy-note-text.ts';

test("the deploy log's ru messages have en's notes, their own plural forms, and the same facts in each", () => {
  assert.deepEqual(messageDifferences(DEPLOY_NOTE_LANGUAGES.en, DEPLOY_NOTE_LANGUAGES.ru, 'ru'), []);
});

test('notes among the facts are worded first; a list of them reads joined by "; "', () => {
  const found = deployNote('firewallFound', { found: [deployNote('ufwActive'), deployNote('nftablesChainDrops', { family: 'inet', table: 'filter', chain: 'input' })] });
  const done = [deployNote('openedPorts', { ports: '10001-29999/tcp', manager: 'ufw', commands: 'ufw allow 10001:29999/tcp', detail: 'Rule added' })];
  const notes = [deployNote('firewallDone', { found, done }), deployNote('subscriptionsOffFirewall', { done: [deployNote('closedOpening', { ports: '8443/tcp', manager: 'ufw' })] })];
  assert.equal(
    deployNoteText(notes, 'en'),
    'ufw active; nftables inet filter input drops: ufw: opened 10001-29999/tcp (ufw allow 10001:29999/tcp: Rule added); uninstall closes it; subscriptions off: ufw: closed 8443/tcp',
  );
  assert.equal(
    deployNoteText(notes, 'ru'),
    'ufw включён; nftables inet filter input отбрасывает: ufw: 10001-29999/tcp открыт (ufw allow 10001:29999/tcp: Rule added); удаление агента его закроет; подписки выключены: ufw: 8443/tcp закрыт',
  );
});

test('counts take the plural form of the language, and facts keep their dots, colons and slashes', () => {
  const removed = (count: number) => deployNoteText([deployNote('leftoverFilesRemoved', { count })], 'ru');
  assert.deepEqual([removed(1), removed(3), removed(5)], [
    'удалён 1 файл, оставшийся от прерванной загрузки',
    'удалено 3 файла, оставшихся от прерванной загрузки',
    'удалено 5 файлов, оставшихся от прерванной загрузки',
  ]);
  assert.equal(deployNoteText([deployNote('leftoverFilesRemoved', { count: 1 })], 'en'), 'removed 1 file an interrupted upload left');
  assert.equal(deployNoteText([deployNote('askingAgent', { port: 8000 })], 'en'), 'asking the agent on 127.0.0.1:8000 through the tunnel');
  assert.equal(deployNoteText([deployNote('bundleUploaded', { dir: '/opt/keyport/releases/1.2.3-abc' })], 'ru'), 'загружен в /opt/keyport/releases/1.2.3-abc');
});

test('a language without deploy notes reads English', () => {
  assert.equal(deployNoteText([deployNote('agentAnswers')], 'fa'), 'the agent answers');
});

test('the parts of a line tell its words from its facts, nested notes and counts included', () => {
  const notes = [
    deployNote('lockTakenOver', { how: deployNote('tookOverSilentDeploy'), holder: 'laptop-anna' }),
    deployNote('leftoverFilesRemoved', { count: 2 }),
    deployNote('runtimeUploaded', { version: 'v24.1.0', path: '/opt/keyport/runtimes/ab/node' }),
  ];
  assert.deepEqual(deployNoteParts(notes, 'ru'), [
    { text: 'перехвачена у развёртывания, которое перестало подавать признаки жизни (держала ', fact: false },
    { text: 'laptop-anna', fact: true },
    { text: '); удалено 2 файла, оставшихся от прерванной загрузки; Node ', fact: false },
    { text: 'v24.1.0', fact: true },
    { text: ' загружен в ', fact: false },
    { text: '/opt/keyport/runtimes/ab/node', fact: true },
  ]);
  assert.equal(deployNoteParts(notes, 'ru').map((part) => part.text).join(''), deployNoteText(notes, 'ru'));
});
