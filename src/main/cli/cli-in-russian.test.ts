import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyportError } from '../../shared/contract/errors.ts';
import { fakeCore } from './testing/fake-core.ts';
import { runInProcess } from './testing/run-in-process.ts';

const RUSSIAN = { LANG: 'ru_RU.UTF-8' };

test('keyport help in a Russian locale is Russian, with the commands as they are typed', async () => {
  const result = await runInProcess(['help'], { env: RUSSIAN });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^keyport: ключи VLESS\+Reality на ваших серверах, из командной строки\n\nСерверы\n {2}keyport server add NAME/);
  assert.match(result.stdout, /\nКоды выхода\n {2}0 {2}готово\n/);
  assert.match(result.stdout, /\nПеременные окружения\n {2}KEYPORT_HOME/);
  assert.ok(result.stdout.includes('\nТуннель\n  keyport tunnel SERVER'), result.stdout);
});

test('keyport help names every command group in each language, with no message key left showing', async () => {
  for (const env of [RUSSIAN, { LANG: 'C' }]) {
    const result = await runInProcess(['help'], { env });
    assert.equal(result.code, 0);
    assert.doesNotMatch(result.stdout, /help\.group\.|\{\{/, result.stdout);
  }
});

test('usage errors in a Russian locale are Russian', async () => {
  const unknown = await runInProcess(['nonsense'], { env: RUSSIAN });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, "keyport: неизвестная команда 'nonsense'\nкоманды: server, keys, people, traffic, tunnel, console, export, import, help\n");
  const bare = await runInProcess(['keys'], { env: RUSSIAN });
  assert.match(bare.stderr, /^keyport: после keys нужна команда\nсинтаксис:\n {2}keyport keys list SERVER/);
});

test('an error in a Russian locale leads with its code in Russian, then the core’s words, then the Russian hint', async () => {
  const offline = new KeyportError('agent-not-deployed', 'the Keyport agent is not deployed on alpha yet: deploy it first', { server: 'alpha' });
  const { core } = fakeCore({
    keys: {
      list: async () => {
        throw offline;
      },
    },
  });
  const result = await runInProcess(['keys', 'list', 'alpha'], { core, env: RUSSIAN });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    'keyport: агент Keyport не установлен: the Keyport agent is not deployed on alpha yet: deploy it first\n  (установить его: keyport server deploy alpha)\n',
  );
  const english = await runInProcess(['keys', 'list', 'alpha'], { core, env: { LANG: 'C.UTF-8' } });
  assert.equal(english.stderr, 'keyport: the Keyport agent is not deployed on alpha yet: deploy it first\n  (keyport server deploy alpha deploys it)\n');
});

test('what a command did is said in Russian too', async () => {
  const { core } = fakeCore({ fleet: { sync: async () => undefined } });
  const result = await runInProcess(['server', 'sync', 'alpha'], { core, env: RUSSIAN });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'Данные alpha сохранены для просмотра без сети: ключи, текущий трафик, история, этот месяц и сегодня.\n');
});
