import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { resolveSshAlias, sshConfigDeclares, sshConfigHosts } from './ssh-config.ts';

const home = '/home/ann';
const resolve = (alias: string, configText: string) => resolveSshAlias(alias, { configText, home, localUser: 'ann' });
/** What an alias resolves to: `hostName` with the defaults (port 22, the local user, no keys, no jumps) but for `changes`. */
const resolvedAs = (hostName: string, changes: Partial<ReturnType<typeof resolve>> = {}) => ({ hostName, port: 22, user: 'ann', identityFiles: [], proxyJump: [], ...changes });

describe('resolveSshAlias', () => {
  test('an alias the config does not mention gets the defaults: itself, port 22, the local user, no keys, no jumps', () => {
    assert.deepEqual(resolve('vps1', 'Host other\n  HostName 10.0.0.9\n'), resolvedAs('vps1'));
  });

  test('a missing config file gives the defaults too', () => {
    const resolved = resolveSshAlias('vps1', { configPath: '/nonexistent/keyport/config', home, localUser: 'ann' });
    assert.equal(resolved.hostName, 'vps1');
  });

  test('reads HostName, Port, User and IdentityFile of the matching block', () => {
    const config = ['Host vps1', '  HostName 203.0.113.5', '  Port 2222', '  User root', '  IdentityFile /keys/vps1', ''].join('\n');
    assert.deepEqual(resolve('vps1', config), resolvedAs('203.0.113.5', { port: 2222, user: 'root', identityFiles: ['/keys/vps1'] }));
  });

  test('one Host line may list several patterns', () => {
    const config = 'Host alpha beta gamma\n  Port 2200\n';
    assert.equal(resolve('beta', config).port, 2200);
    assert.equal(resolve('delta', config).port, 22);
  });

  test('* and ? are wildcards', () => {
    const config = 'Host web-?\n  User web\nHost *.example.com\n  Port 2022\n';
    assert.equal(resolve('web-1', config).user, 'web');
    assert.equal(resolve('web-10', config).user, 'ann');
    assert.equal(resolve('a.b.example.com', config).port, 2022);
    assert.equal(resolve('example.com', config).port, 22);
  });

  test('a !negated pattern keeps a block from matching even when another pattern does', () => {
    const config = 'Host * !bastion\n  ProxyJump bastion\n';
    assert.deepEqual(resolve('vps1', config).proxyJump, ['ann@bastion:22']);
    assert.deepEqual(resolve('bastion', config).proxyJump, []);
  });

  test('a block with only a negated pattern matches nothing', () => {
    assert.equal(resolve('vps1', 'Host !bastion\n  Port 2\n').port, 22);
  });

  test('keywords are case-insensitive and host patterns compare caseless', () => {
    assert.deepEqual(resolve('VPS1', 'HOST vps1\n  hostname 10.1.1.1\n  pOrT 23\n'), resolvedAs('10.1.1.1', { port: 23 }));
  });

  test('key=value and key = value work as key value does', () => {
    const resolved = resolve('vps1', 'Host=vps1\n  HostName=10.2.2.2\n  Port = 2022\n  User =admin\n');
    assert.equal(resolved.hostName, '10.2.2.2');
    assert.equal(resolved.port, 2022);
    assert.equal(resolved.user, 'admin');
  });

  test('quoted values keep their spaces, and a trailing # comment is ignored', () => {
    const config = 'Host vps1\n  IdentityFile "/keys/my key"  # the laptop key\n  User \'deploy\'\n';
    const resolved = resolve('vps1', config);
    assert.deepEqual(resolved.identityFiles, ['/keys/my key']);
    assert.equal(resolved.user, 'deploy');
  });

  test('comments and blank lines are skipped', () => {
    assert.equal(resolve('vps1', '# Host vps1\n\n   # Port 1\nHost vps1\n\n  Port 3\n').port, 3);
  });

  test('the first obtained value wins, even over a later more specific block', () => {
    const config = ['Host *', '  User everyone', 'Host vps1', '  User root', '  HostName first', '  HostName second', ''].join('\n');
    const resolved = resolve('vps1', config);
    assert.equal(resolved.user, 'everyone');
    assert.equal(resolved.hostName, 'first');
  });

  test('options before any Host line apply to every host', () => {
    assert.equal(resolve('anything', 'Port 2200\nHost other\n  Port 1\n').port, 2200);
  });

  test('IdentityFile accumulates across blocks, in order, without repeats', () => {
    const config = ['Host vps1', '  IdentityFile /keys/a', '  IdentityFile /keys/b', 'Host *', '  IdentityFile /keys/a', '  IdentityFile /keys/c', ''].join('\n');
    assert.deepEqual(resolve('vps1', config).identityFiles, ['/keys/a', '/keys/b', '/keys/c']);
  });

  test('~ and the %h %p %r %u %d %n %% tokens expand in IdentityFile', () => {
    const config = [
      'Host vps1',
      '  HostName 10.0.0.1',
      '  Port 2222',
      '  User root',
      '  IdentityFile ~/.ssh/id_%h_%p',
      '  IdentityFile %d/keys/%r-%u-%n',
      '  IdentityFile /keys/100%%',
      '',
    ].join('\n');
    assert.deepEqual(resolve('vps1', config).identityFiles, [
      '/home/ann/.ssh/id_10.0.0.1_2222',
      '/home/ann/keys/root-ann-vps1',
      '/keys/100%',
    ]);
  });

  test('an unknown token in IdentityFile is refused as bad input', () => {
    assert.throws(() => resolve('vps1', 'IdentityFile /keys/%Q\n'), (error) => isKeyportError(error) && error.code === 'bad-input');
  });

  test('%h in HostName is the alias', () => {
    assert.equal(resolve('vps1', 'Host *\n  HostName %h.example.com\n').hostName, 'vps1.example.com');
  });

  test('a bad Port is refused as bad input, naming the line', () => {
    assert.throws(
      () => resolve('vps1', 'Host vps1\n  Port ssh\n'),
      (error) => isKeyportError(error) && error.code === 'bad-input' && error.message.includes(':2:'),
    );
  });

  test('ProxyJump is a comma list of hops', () => {
    const config = 'Host vps1\n  ProxyJump admin@bastion:2222,second,third\n';
    assert.deepEqual(resolve('vps1', config).proxyJump, ['admin@bastion:2222', 'ann@second:22', 'ann@third:22']);
  });

  test('ProxyJump none, obtained first, means no jumps even when a later block sets some', () => {
    const config = 'Host vps1\n  ProxyJump none\nHost *\n  ProxyJump bastion\n';
    assert.deepEqual(resolve('vps1', config).proxyJump, []);
    assert.deepEqual(resolve('vps2', config).proxyJump, ['ann@bastion:22']);
  });

  test('a ProxyJump hop that is an alias gets its HostName, Port and User, unless the hop names them', () => {
    const config = [
      'Host vps1',
      '  ProxyJump jump,ops@jump:2200',
      'Host jump',
      '  HostName 198.51.100.4',
      '  Port 2222',
      '  User gate',
      '  ProxyJump elsewhere',
      'Host *',
      '  ProxyJump jump',
      '',
    ].join('\n');
    assert.deepEqual(resolve('vps1', config).proxyJump, ['gate@198.51.100.4:2222', 'ops@198.51.100.4:2200']);
    // `Host *` sends jump through itself; ssh would loop, Keyport does not follow a hop's own hops.
    assert.deepEqual(resolve('vps2', config).proxyJump, ['gate@198.51.100.4:2222']);
  });

  test('Match blocks are skipped until the next Host line', () => {
    const config = ['Match host vps1', '  Port 1', '  User matched', 'Host vps1', '  Port 2', ''].join('\n');
    const resolved = resolve('vps1', config);
    assert.equal(resolved.port, 2);
    assert.equal(resolved.user, 'ann');
  });

  describe('Include', () => {
    const fakeHome = mkdtempSync(join(tmpdir(), 'keyport-ssh-config-'));
    const sshDir = join(fakeHome, '.ssh');
    mkdirSync(join(sshDir, 'config.d'), { recursive: true });
    writeFileSync(join(sshDir, 'config.d', '10-vps.conf'), 'Host vps1\n  HostName 10.9.9.1\n  IdentityFile ~/.ssh/vps1\n');
    writeFileSync(join(sshDir, 'config.d', '20-vps.conf'), 'Host vps1 vps2\n  Port 2201\n');
    writeFileSync(join(sshDir, 'config.d', '.hidden.conf'), 'Host *\n  User hidden\n');
    writeFileSync(join(sshDir, 'config.d', 'notes.txt'), 'Host *\n  User notes\n');
    writeFileSync(join(sshDir, 'inside-block'), 'User from-include\nHost vps2\n  Port 2300\n');
    writeFileSync(join(fakeHome, 'absolute.conf'), 'Host abs\n  Port 4000\n');
    after(() => rmSync(fakeHome, { recursive: true, force: true }));
    const fromHome = (alias: string, text: string) => resolveSshAlias(alias, { configText: text, home: fakeHome, localUser: 'ann' });

    test('a relative path is taken from ~/.ssh and a glob includes the matching files in order', () => {
      const resolved = fromHome('vps1', 'Include config.d/*.conf\nHost *\n  Port 9\n');
      assert.equal(resolved.hostName, '10.9.9.1');
      assert.equal(resolved.port, 2201);
      assert.equal(resolved.user, 'ann', 'neither a dotfile nor a non-matching name is included');
      assert.deepEqual(resolved.identityFiles, [join(fakeHome, '.ssh', 'vps1')]);
    });

    test('~ and absolute paths work, and a pattern that matches nothing is no error', () => {
      assert.equal(fromHome('abs', 'Include ~/absolute.conf nothing-here-*.conf\n').port, 4000);
      assert.equal(fromHome('abs', `Include ${join(fakeHome, 'absolute.conf')}\n`).port, 4000);
    });

    test('the config file itself is read from configPath or ~/.ssh/config', () => {
      writeFileSync(join(sshDir, 'config'), 'Include config.d/*.conf\n');
      assert.equal(resolveSshAlias('vps2', { home: fakeHome, localUser: 'ann' }).port, 2201);
    });

    test('an Include inside a Host block applies only when that block matches', () => {
      const config = 'Host vps1 vps2\n  Include inside-block\nHost *\n  User later\n';
      assert.equal(fromHome('vps1', config).user, 'from-include');
      assert.equal(fromHome('vps2', config).port, 2300);
      const other = fromHome('vps3', config);
      assert.equal(other.user, 'later');
      assert.equal(other.port, 22, 'a Host line of a file included from a block that does not apply never matches');
    });

    test('after an Include the including block is in force again', () => {
      const config = 'Host vps1\n  Include ~/absolute.conf\n  User back\n';
      assert.equal(fromHome('vps1', config).user, 'back');
    });
  });
});

describe('sshConfigHosts', () => {
  const hosts = (configText: string) => sshConfigHosts({ configText, home, localUser: 'ann' });

  test('lists the names Host lines give, in order and once each, leaving out patterns and negations', () => {
    const config = ['Host berlin paris', '  HostName 203.0.113.5', 'Host *.example.com web-?', '  Port 2022', 'Host * !bastion', '  User root', 'Host bastion BERLIN tokyo', ''].join('\n');
    assert.deepEqual(hosts(config), ['berlin', 'paris', 'bastion', 'tokyo']);
  });

  test('reads only the Host lines: a broken Port and a Match block do not hide the hosts', () => {
    assert.deepEqual(hosts('Host vps1\n  Port not-a-port\nMatch exec true\n  User x\nHost vps2\n'), ['vps1', 'vps2']);
  });

  test('no config file is no hosts', () => {
    assert.deepEqual(sshConfigHosts({ configPath: '/nonexistent/keyport/config', home, localUser: 'ann' }), []);
  });

  test("reads ~/.ssh/config of the home it is given, following Include into other files, even from inside a block", () => {
    const fakeHome = mkdtempSync(join(tmpdir(), 'keyport-ssh-hosts-'));
    after(() => rmSync(fakeHome, { recursive: true, force: true }));
    mkdirSync(join(fakeHome, '.ssh', 'config.d'), { recursive: true });
    writeFileSync(join(fakeHome, '.ssh', 'config'), 'Host frankfurt\n  HostName 198.51.100.7\nHost staging\n  Include config.d/*.conf\nHost *\n  ServerAliveInterval 30\n');
    writeFileSync(join(fakeHome, '.ssh', 'config.d', 'work.conf'), 'Host db-1 db-2\n  User admin\n');
    assert.deepEqual(sshConfigHosts({ home: fakeHome, localUser: 'ann' }), ['frankfurt', 'staging', 'db-1', 'db-2']);
  });
});

describe('sshConfigDeclares', () => {
  const declares = (alias: string, configText: string) => sshConfigDeclares(alias, { configText, home, localUser: 'ann' });

  test('a Host line naming the alias declares it, in any letter case', () => {
    assert.equal(declares('Berlin', 'Host paris berlin\n  HostName 203.0.113.5\n'), true);
  });

  test('a pattern other than a bare * declares the names it matches', () => {
    assert.equal(declares('db.corp.example', 'Host *.corp.example\n  ProxyJump bastion\n'), true);
  });

  test('an alias only Host * matches, or none, is not declared, and neither is a negated one', () => {
    assert.equal(declares('typo', 'Host *\n  User root\nHost berlin\n'), false);
    assert.equal(declares('typo', ''), false);
    assert.equal(declares('bastion', 'Host *.example bastion* !bastion\n'), false);
    assert.equal(sshConfigDeclares('vps1', { configPath: '/nonexistent/keyport/config', home, localUser: 'ann' }), false);
  });
});
