import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlagError, HelpRequested, parseAgentFlags } from '../../src/config/agent-flags.ts';

const parse = (...argv: string[]) => parseAgentFlags(argv, 'host.example');

describe('agent flags', () => {
  test('defaults match the README: loopback 8000, ports 10001-10999, 10 s sampling, files in the data dir', () => {
    const flags = parse('--data-dir', '/srv/kp');
    assert.equal(flags.listenHost, '127.0.0.1');
    assert.equal(flags.listenPort, 8000);
    assert.deepEqual(flags.portRange, { from: 10001, to: 10999 });
    assert.equal(flags.sampleIntervalMs, 10_000);
    assert.equal(flags.apiKeyFile, '/srv/kp/api-key');
    assert.equal(flags.xrayConfig, '/srv/kp/xray-config.json');
    assert.equal(flags.publicHost, 'host.example');
    assert.equal(flags.requestTimeoutMs, 30_000);
    assert.equal(flags.reconcileEveryCycles, 6);
  });

  test('the default Reality target is off Xray\'s warning list (infra/conf/transport_security.go:165)', () => {
    const flags = parse();
    assert.equal(flags.realityTarget, 'dl.google.com:443');
    assert.deepEqual(flags.realityServerNames, ['dl.google.com']);
    assert.doesNotMatch([flags.realityTarget, ...flags.realityServerNames].join(' '), /microsoft|apple|icloud|\.(ru|ir|cn)\b/);
  });

  test('--reality-dest is the old name of --reality-target; both at once is refused', () => {
    assert.equal(parse('--reality-dest', 'old.example:443').realityTarget, 'old.example:443');
    assert.throws(() => parse('--reality-dest', 'a.example:443', '--reality-target', 'b.example:443'), /give --reality-target only/);
  });

  test('every documented flag is read', () => {
    const flags = parse(
      '--listen', '[::1]:9000', '--api-key-file', '/k', '--public-host', 'vpn.example.com', '--port-range', '20000-20100',
      '--sample-interval', '0.5', '--xray-bin', '/x', '--xray-config', '/c.json', '--xray-api', '127.0.0.1:1',
      '--reality-target', 'a.example:443', '--reality-server-names', 'a.example, b.example', '--reality-fingerprint', 'firefox',
      '--request-timeout', '5',
    );
    assert.deepEqual(
      [flags.listenHost, flags.listenPort, flags.apiKeyFile, flags.publicHost, flags.sampleIntervalMs, flags.xrayBin, flags.xrayConfig],
      ['::1', 9000, '/k', 'vpn.example.com', 500, '/x', '/c.json'],
    );
    assert.deepEqual(flags.portRange, { from: 20000, to: 20100 });
    assert.deepEqual(flags.realityServerNames, ['a.example', 'b.example']);
    assert.equal(flags.realityTarget, 'a.example:443');
    assert.equal(flags.realityFingerprint, 'firefox');
    assert.equal(flags.requestTimeoutMs, 5_000);
    assert.equal(parse('--reconcile-cycles', '0').reconcileEveryCycles, 0);
  });

  for (const [what, argv, message] of [
    ['a listen address without a port', ['--listen', 'localhost'], /--listen must be HOST:PORT/],
    ['a port range backwards', ['--port-range', '11000-10000'], /--port-range must be FROM-TO/],
    ['a port range past 65535', ['--port-range', '10000-70000'], /--port-range/],
    ['a zero sampling interval', ['--sample-interval', '0'], /--sample-interval/],
    ['a text sampling interval', ['--sample-interval', 'often'], /--sample-interval/],
    ['a zero request timeout', ['--request-timeout', '0'], /--request-timeout/],
    ['a request timeout in another spelling', ['--request-timeout', '1e3'], /--request-timeout/],
    ['a reconcile interval that is not a whole number', ['--reconcile-cycles', '1.5'], /--reconcile-cycles must be a whole number/],
    ['a negative reconcile interval', ['--reconcile-cycles', '-1'], /--reconcile-cycles/],
    ['an unknown flag', ['--bogus'], /bogus/],
  ] as const) {
    test(`${what} is refused with a clear message`, () => {
      assert.throws(() => parse(...argv), (error: Error) => error instanceof FlagError && message.test(error.message));
    });
  }

  test('--help is not an error but the usage text', () => {
    assert.throws(() => parse('--help'), (error: Error) => error instanceof HelpRequested && error instanceof FlagError && /Usage/.test(error.message));
  });

  test('--start-empty and --restore-backup FILE are read, and refused together', () => {
    assert.equal(parse().startEmpty, false);
    assert.equal(parse().restoreBackup, undefined);
    assert.equal(parse('--start-empty').startEmpty, true);
    assert.equal(parse('--restore-backup', '/b/keyport-20261201T000000Z.db').restoreBackup, '/b/keyport-20261201T000000Z.db');
    assert.throws(() => parse('--start-empty', '--restore-backup', '/b'), /not both/);
    assert.throws(() => parse('--restore-backup', ''), /needs the backup file/);
  });

  test('--help says when the agent refuses to start and how to start anyway', () => {
    assert.throws(() => parse('--help'), (error: Error) => error instanceof HelpRequested && /--start-empty/.test(error.message) && /database-created/.test(error.message));
  });

  test('subscriptions are off unless --subscription-listen is given; the TLS and URL flags need it', () => {
    assert.equal(parse().subscriptions, undefined);
    for (const flag of ['--subscription-tls-cert', '--subscription-tls-key', '--subscription-url-base']) {
      assert.throws(() => parse(flag, 'x'), (error: Error) => error instanceof FlagError && error.message.includes(`${flag} needs --subscription-listen`));
    }
  });

  test('--subscription-listen: plain HTTP on the public host and its port by default, HTTPS with a certificate and key', () => {
    assert.deepEqual(parse('--subscription-listen', '0.0.0.0:8443').subscriptions, { host: '0.0.0.0', port: 8443, tls: undefined, urlBase: 'http://host.example:8443', urlBaseFollowsHost: true });
    const tls = parse('--subscription-listen', '[::]:8443', '--public-host', '2001:db8::1', '--subscription-tls-cert', 'c.pem', '--subscription-tls-key', 'k.pem').subscriptions;
    assert.deepEqual(tls, { host: '::', port: 8443, tls: { certFile: 'c.pem', keyFile: 'k.pem' }, urlBase: 'https://[2001:db8::1]:8443', urlBaseFollowsHost: true });
    assert.equal(parse('--subscription-listen', '0.0.0.0:8443', '--subscription-url-base', 'https://sub.example.com/keyport/').subscriptions?.urlBase, 'https://sub.example.com/keyport');
  });

  test("a URL base derived from --public-host follows the link host setting; the admin's own stays", () => {
    const follows = (...extra: string[]) => parse('--subscription-listen', '0.0.0.0:8443', ...extra).subscriptions?.urlBaseFollowsHost;
    assert.equal(follows(), true);
    // What a console's deploy passes: exactly the base the agent would derive.
    assert.equal(follows('--subscription-url-base', 'http://host.example:8443'), true);
    assert.equal(follows('--subscription-url-base', 'https://host.example:8443'), false);
    assert.equal(follows('--subscription-url-base', 'http://host.example:8443/keyport'), false);
    assert.equal(follows('--subscription-url-base', 'http://proxy.example:8443'), false);
  });

  test('--subscription-listen refuses a certificate without its key, port 0 and a URL base that is not http(s)', () => {
    const refused: Array<[string[], RegExp]> = [
      [['--subscription-tls-cert', 'c.pem'], /give both --subscription-tls-cert FILE and --subscription-tls-key FILE/],
      [['--subscription-tls-key', 'k.pem'], /give both/],
      [['--subscription-url-base', 'ftp://x.example'], /http:\/\/ or https:\/\//],
      [['--subscription-url-base', 'https://x.example/?a=1'], /without user, query or fragment/],
      [['--subscription-url-base', 'not a url'], /must be a URL/],
    ];
    for (const [extra, message] of refused) {
      assert.throws(() => parse('--subscription-listen', '0.0.0.0:8443', ...extra), (error: Error) => error instanceof FlagError && message.test(error.message), extra.join(' '));
    }
    assert.throws(() => parse('--subscription-listen', '0.0.0.0:0'), /needs a port from 1 to 65535/);
    assert.throws(() => parse('--subscription-listen', 'nonsense'), /--subscription-listen must be HOST:PORT/);
  });
});
