import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ssh2 from 'ssh2';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { NO_VAULT, type SecretVault } from '../services/secret-vault.ts';
import type { ConsoleExportDocument, ExportBody } from './console-export-format.ts';
import { readConsoleExport } from './read-console-export.ts';
import { openConsoleHome, reversingVault, snapshotDir, type ConsoleHome } from './testing/console-home.ts';
import { CACHED_KEY, PASSPHRASE, PASSWORD, PINS, rewriteExport, seedFleet } from './testing/export-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'keyport-export-'));
const homes: ConsoleHome[] = [];
after(() => {
  for (const home of homes) home.close();
  rmSync(root, { recursive: true, force: true });
});
let made = 0;
const fresh = (name: string) => join(root, `${(made += 1)}-${name}`);
const openHome = (vault: SecretVault = NO_VAULT, dir = fresh('home')) => {
  const home = openConsoleHome(dir, vault);
  homes.push(home);
  return home;
};
const coded = (code: string, facts: Record<string, unknown> = {}) => (error: unknown) =>
  error instanceof KeyportError && error.code === code && Object.entries(facts).every(([name, value]) => error.facts[name] === value);
const noPassphrase = async (): Promise<string> => assert.fail('no passphrase should be asked');
const givenPassphrase = (passphrase = PASSPHRASE) => async () => passphrase;

/** The old laptop: the fleet seeded, the keychain sealing beta's password when there is one. */
function oldLaptop(vault: SecretVault = NO_VAULT) {
  const home = openHome(vault);
  const keyDir = fresh('keys');
  mkdirSync(keyDir);
  const fleet = seedFleet(home, keyDir, { sealPassword: vault.available ? (plain) => vault.seal(plain) : undefined });
  return { home, ...fleet };
}

describe('console export and import', () => {
  test('a round trip into a fresh home gives the same servers, trusted keys and pending disables; the cache stays behind', async () => {
    const { home, alpha, pending } = oldLaptop();
    const file = fresh('export.json');
    const exported = await home.service.export(file, { withSecrets: false, askPassphrase: noPassphrase });
    assert.deepEqual({ ...exported, file: undefined, sizeBytes: undefined }, {
      file: undefined,
      sizeBytes: undefined,
      servers: 3,
      hostKeyPins: 4,
      pendingDisables: 1,
      secrets: null,
      secretsLeftOut: [],
    });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(CACHED_KEY.name) && !text.includes('2025-08-05T11:58'), 'no key and no sync time of the cache');
    assert.ok(!text.includes('BEGIN OPENSSH'), 'the key file by path, never its contents');

    const target = openHome();
    const opened = await readConsoleExport(file, noPassphrase);
    const report = await target.service.import(opened, { replace: false });
    assert.deepEqual(report.servers, [
      { name: 'alpha', outcome: 'added' },
      { name: 'beta', outcome: 'added' },
      { name: 'gamma', outcome: 'added' },
    ]);
    const cacheOnly = ({ server, ...rest }: ReturnType<ConsoleHome['state']>[number]) => ({ server: { ...server, lastSyncedAt: null }, ...rest });
    assert.deepEqual(target.state(), home.state().map(cacheOnly));
    assert.deepEqual(target.cache.findServer('alpha'), { ...alpha, lastSyncedAt: null }, 'fields this Keyport does not know in the target and the agent record ride along');
    assert.equal(target.cache.listKeys(alpha.id), null, 'the cache refills from the server');
    assert.deepEqual(target.pendingDisables(), [pending], 'the disable left for a removed server is not carried');
    assert.deepEqual(report.hostKeyPins, { imported: 4, merged: [], conflicts: [] });
    assert.deepEqual(report.pendingDisables, { imported: 1, dropped: 0, forgotten: 0 });
    assert.equal(report.secrets, null);
    assert.deepEqual(
      report.needs.map((need) => need.need),
      ['password', 'ssh-agent'],
      "beta's password is asked on first connect, gamma needs ssh-agent; alpha's key file is there",
    );
  });

  test('without secrets asked, a stored SSH secret is left out: the file holds it in no form', async () => {
    const { home } = oldLaptop(reversingVault);
    const sealed = home.cache.serverCredentials(home.cache.findServer('beta')!.id)!.sealedSecret!;
    const file = fresh('export.json');
    const report = await home.service.export(file, { withSecrets: false, askPassphrase: noPassphrase });
    assert.deepEqual(report.secretsLeftOut, ['beta']);
    assertHoldsNoSecret(readFileSync(file), [sealed]);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as ConsoleExportDocument).secrets, null);
  });

  test('with secrets: sealed with the passphrase, asked once; imported into a keychain it logs in as before, without one it is asked for', async () => {
    const { home, beta } = oldLaptop(reversingVault);
    const sealed = home.cache.serverCredentials(beta.id)!.sealedSecret!;
    const file = fresh('export.json');
    let asked = 0;
    const report = await home.service.export(file, {
      withSecrets: true,
      askPassphrase: async () => {
        asked += 1;
        return PASSPHRASE;
      },
    });
    assert.equal(asked, 1);
    assert.deepEqual(report.secrets, ['beta']);
    assertHoldsNoSecret(readFileSync(file), [sealed]);

    const withKeychain = openHome(reversingVault);
    const imported = await withKeychain.service.import(await readConsoleExport(file, givenPassphrase()), { replace: false });
    assert.deepEqual(imported.secrets, { kept: ['beta'], notKept: [] });
    assert.equal(reversingVault.open(withKeychain.cache.serverCredentials(beta.id)!.sealedSecret!), PASSWORD);
    assert.ok(!imported.needs.some((need) => need.server === 'beta'), 'beta needs nothing more');

    const withoutKeychain = openHome();
    const notKept = await withoutKeychain.service.import(await readConsoleExport(file, givenPassphrase()), { replace: false });
    assert.deepEqual(notKept.secrets, { kept: [], notKept: ['beta'] });
    assert.equal(withoutKeychain.cache.serverCredentials(beta.id)!.sealedSecret, null, 'never in a plain file');
    assert.ok(notKept.needs.some((need) => need.server === 'beta' && need.need === 'password'));
  });

  test('secrets the keychain here cannot open are refused, nothing written; with none stored no passphrase is asked', async () => {
    const sealedElsewhere = oldLaptop(reversingVault);
    sealedElsewhere.home.close();
    homes.splice(homes.indexOf(sealedElsewhere.home), 1);
    const cli = openHome(NO_VAULT, sealedElsewhere.home.dir);
    const file = fresh('export.json');
    await assert.rejects(cli.service.export(file, { withSecrets: true, askPassphrase: noPassphrase }), coded('bad-input', { field: 'with-secrets', servers: 'beta' }));
    assert.ok(!existsSync(file) && !existsSync(`${file}.partial`));

    const { home } = oldLaptop();
    const report = await home.service.export(file, { withSecrets: true, askPassphrase: noPassphrase });
    assert.deepEqual(report.secrets, []);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as ConsoleExportDocument).secrets, null);
  });

  test('the file is replaced whole with mode 0600, leaving no partial file', async () => {
    const { home } = oldLaptop();
    const dir = fresh('out');
    mkdirSync(dir);
    const file = join(dir, 'state.json');
    writeFileSync(file, 'an older file, readable by all', { mode: 0o644 });
    await home.service.export(file, { withSecrets: false, askPassphrase: noPassphrase });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['state.json']);
    await readConsoleExport(file, noPassphrase);
    await assert.rejects(home.service.export(join(dir, 'missing', 'state.json'), { withSecrets: false, askPassphrase: noPassphrase }), coded('bad-input', { field: 'file' }));
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });

  describe('refused files change nothing', () => {
    let files: Promise<{ plain: string; sealed: string; target: ConsoleHome }>;
    before(() => {
      files = madeFiles();
    });
    const madeFiles = async () => {
      const { home } = oldLaptop(reversingVault);
      const plain = fresh('plain.json');
      const sealed = fresh('sealed.json');
      await home.service.export(plain, { withSecrets: false, askPassphrase: noPassphrase });
      await home.service.export(sealed, { withSecrets: true, askPassphrase: givenPassphrase() });
      const target = openHome(reversingVault);
      const keyDir = fresh('target-keys');
      mkdirSync(keyDir);
      seedFleet(target, keyDir);
      return { plain, sealed, target };
    };

    /** Reads the file as an import would and expects the refusal, the home unchanged to the byte. */
    async function refused(target: ConsoleHome, file: string, code: string, facts: Record<string, unknown> = {}, passphrase = PASSPHRASE) {
      const before = snapshotDir(target.dir);
      await assert.rejects(readConsoleExport(file, givenPassphrase(passphrase)), coded(code, facts), file);
      assert.deepEqual(snapshotDir(target.dir), before);
    }

    test('a wrong passphrase', async () => {
      const { sealed, target } = await files;
      await refused(target, sealed, 'export-passphrase-wrong', { file: sealed }, 'not the export passphrase');
    });

    test('any one byte flipped, in a file with secrets or without', async () => {
      const { plain, sealed, target } = await files;
      for (const source of [plain, sealed]) {
        const bytes = readFileSync(source);
        const before = snapshotDir(target.dir);
        for (let at = 0; at < bytes.length; at += 1) {
          const flipped = Buffer.from(bytes);
          flipped[at]! ^= 0x01;
          const file = fresh('flipped.json');
          writeFileSync(file, flipped);
          await assert.rejects(
            readConsoleExport(file, givenPassphrase()),
            (error: unknown) => error instanceof KeyportError && (error.code === 'export-damaged' || error.code === 'export-version-unsupported'),
            `byte ${at} of ${source}`,
          );
          rmSync(file);
        }
        assert.deepEqual(snapshotDir(target.dir), before);
      }
    });

    test('a file cut short anywhere', async () => {
      const { plain, sealed, target } = await files;
      for (const source of [plain, sealed]) {
        const bytes = readFileSync(source);
        for (const length of [0, 1, 40, Math.floor(bytes.length / 2), bytes.length - 2]) {
          const file = fresh('cut.json');
          writeFileSync(file, bytes.subarray(0, length));
          await refused(target, file, 'export-damaged');
        }
      }
    });

    test('a version this Keyport does not read', async () => {
      const { plain, target } = await files;
      const file = fresh('v2.json');
      rewriteExport(plain, (document) => Object.assign(document, { version: 2 }), file);
      await refused(target, file, 'export-version-unsupported', { version: 2, supported: 1 });
    });

    test('a field out of form, even with the checksum made right', async () => {
      const { plain, target } = await files;
      const cases: [string, (document: Record<string, unknown> & ExportBody) => void, string][] = [
        ['port out of range', (document) => Object.assign(document.servers[0]!.target, { port: 70000 }), 'servers[0].target'],
        ['auth method unknown', (document) => Object.assign(document.servers[1]!.target, { auth: { method: 'telepathy' } }), 'servers[1].target.auth.method'],
        ['fingerprint not SHA256', (document) => Object.assign(document.servers[2]!, { hostKeyFingerprint: 'MD5:aa' }), 'servers[2].hostKeyFingerprint'],
        ['pin not host:port', (document) => Object.assign(document.servers[0]!.hostKeyPins, { 'no-port': PINS.other }), 'servers[0].hostKeyPins'],
        ['two servers of one name', (document) => Object.assign(document.servers[1]!, { name: 'ALPHA' }), 'servers[1].name'],
        ['a disable for no server of the file', (document) => Object.assign(document.pendingDisables[0]!, { serverId: 'elsewhere' }), 'pendingDisables[0].serverId'],
        ['an unknown field outside a server record', (document) => Object.assign(document, { extra: true }), 'extra'],
        ['servers not a list', (document) => Object.assign(document, { servers: {} }), 'servers'],
        ['agent without its port', (document) => delete (document.servers[0]!.agent as Partial<NonNullable<ExportBody['servers'][0]['agent']>>).apiPort, 'servers[0].agent.apiPort'],
      ];
      for (const [name, change, field] of cases) {
        const file = fresh(`${name.replaceAll(' ', '-')}.json`);
        rewriteExport(plain, change, file);
        await refused(target, file, 'export-damaged', { field });
      }
    });

    test('a server changed in a file with secrets, checksum made right: the secrets were sealed with the rest', async () => {
      const { sealed, target } = await files;
      const file = fresh('tampered.json');
      rewriteExport(sealed, (document) => Object.assign(document.servers[1]!.target, { host: 'attacker.example' }), file);
      await refused(target, file, 'export-damaged', { where: 'its secrets, or what they were sealed with, were changed' });
    });
  });

  describe('servers this home has already', () => {
    async function clash() {
      const { home, alpha, pending } = oldLaptop();
      const file = fresh('export.json');
      await home.service.export(file, { withSecrets: false, askPassphrase: noPassphrase });
      const target = openHome();
      // Another record named alpha: the same host with another key trusted, the jump host's not yet.
      const mine = { ...alpha, id: 'ffffffff-0000-4000-8000-000000000001', target: { ...alpha.target, user: 'ops' } };
      target.cache.saveServer(mine, { trustedKeys: { '203.0.113.7:22': PINS.other } });
      target.cache.replaceKeys(mine.id, [CACHED_KEY], '2025-08-05T11:00:00.000Z');
      const minePending = { ...pending, serverId: mine.id, keyId: 'mine-1' };
      target.pending.add([minePending]);
      return { file, target, mine, alpha, pending, minePending };
    }

    test('are skipped and named; their missing host-key pins are merged, a differing one kept and reported', async () => {
      const { file, target, mine, minePending } = await clash();
      const report = await target.service.import(await readConsoleExport(file, noPassphrase), { replace: false });
      assert.deepEqual(report.servers[0], { name: 'alpha', outcome: 'skipped', clash: 'name', existing: 'alpha' });
      assert.deepEqual(report.servers.slice(1).map((server) => server.outcome), ['added', 'added']);
      assert.deepEqual(target.cache.findServer('alpha'), mine, 'the record here is kept as it is');
      assert.deepEqual(target.cache.serverCredentials(mine.id)!.trustedKeys, { '203.0.113.7:22': PINS.other, 'hop.example:2222': PINS.hop });
      assert.deepEqual(report.hostKeyPins.merged, [{ server: 'alpha', endpoints: ['hop.example:2222'] }]);
      assert.deepEqual(report.hostKeyPins.conflicts, [{ server: 'alpha', endpoint: '203.0.113.7:22', kept: PINS.other, inFile: PINS.alpha }]);
      assert.equal(target.cache.listKeys(mine.id)?.keys.length, 1, 'its cache too');
      assert.deepEqual(report.pendingDisables, { imported: 0, dropped: 1, forgotten: 0 });
      assert.deepEqual(target.pendingDisables(), [minePending]);
      assert.ok(!report.needs.some((need) => need.server === 'alpha'));
    });

    test('take the file record with --replace; the one here goes with its cache and pending disables', async () => {
      const { file, target, mine, alpha, pending } = await clash();
      const report = await target.service.import(await readConsoleExport(file, noPassphrase), { replace: true });
      assert.deepEqual(report.servers[0], { name: 'alpha', outcome: 'replaced', replaced: ['alpha'] });
      assert.deepEqual(target.cache.findServer('alpha'), { ...alpha, lastSyncedAt: null });
      assert.equal(target.cache.serverCredentials(mine.id), null);
      assert.deepEqual(target.cache.serverCredentials(alpha.id)!.trustedKeys, { '203.0.113.7:22': PINS.alpha, 'hop.example:2222': PINS.hop });
      assert.deepEqual(report.pendingDisables, { imported: 1, dropped: 0, forgotten: 1 });
      assert.deepEqual(target.pendingDisables(), [pending]);
    });

    test('importing the same file twice adds nothing the second time', async () => {
      const { home } = oldLaptop();
      const file = fresh('export.json');
      await home.service.export(file, { withSecrets: false, askPassphrase: noPassphrase });
      const target = openHome();
      await target.service.import(await readConsoleExport(file, noPassphrase), { replace: false });
      const once = { state: target.state(), pending: target.pendingDisables() };
      const again = await target.service.import(await readConsoleExport(file, noPassphrase), { replace: false });
      assert.deepEqual(again.servers.map((server) => server.outcome), ['skipped', 'skipped', 'skipped']);
      assert.deepEqual({ state: target.state(), pending: target.pendingDisables() }, once);
      assert.deepEqual(again.hostKeyPins, { imported: 0, merged: [], conflicts: [] });
    });
  });

  test('a key file missing on this laptop is a need to act on, not an error; an encrypted one needs its passphrase', async () => {
    const { home, alpha } = oldLaptop();
    const keyPath = (alpha.target.auth as { keyPath: string }).keyPath;
    rmSync(keyPath);
    const file = fresh('export.json');
    await home.service.export(file, { withSecrets: false, askPassphrase: noPassphrase });
    const report = await openHome().service.import(await readConsoleExport(file, noPassphrase), { replace: false });
    assert.deepEqual(report.needs[0], { server: 'alpha', need: 'key-file-missing', path: keyPath });
    assert.equal(report.servers[0]!.outcome, 'added');

    writeFileSync(keyPath, ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'key passphrase', cipher: 'aes256-ctr', rounds: 4 }).private);
    const encrypted = await openHome().service.import(await readConsoleExport(file, noPassphrase), { replace: false });
    assert.deepEqual(encrypted.needs[0], { server: 'alpha', need: 'key-passphrase', path: keyPath });
  });
});

/** None of the password's forms, nor the keychain's sealed text, is anywhere in the bytes. */
function assertHoldsNoSecret(bytes: Buffer, others: string[]): void {
  const forms = [PASSWORD, [...PASSWORD].reverse().join(''), Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('hex'), ...others];
  for (const form of forms) assert.ok(!bytes.includes(Buffer.from(form)), `the file holds ${form}`);
  assert.ok(!bytes.toString('utf8').toLowerCase().includes('horse'));
}
