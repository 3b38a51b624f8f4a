import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { testServerLink } from '../../../../e2e/support/console-access.ts';
import { standInXray, XrayReleaseSite } from '../../../../e2e/support/xray-release-site.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import { deployNote } from '../../../shared/contract/deploy-notes.ts';
import { deployNoteText } from '../../../shared/i18n/deploy-notes/deploy-note-text.ts';
import { isKeyportError, type KeyportError } from '../../../shared/contract/errors.ts';
import type { CommandResult, RemoteHost } from '../ssh/remote-host.ts';
import { SshLink } from '../ssh/ssh-link.ts';
import { detectServer } from './detect-server.ts';
import { execFileSync } from 'node:child_process';
import { installXray, PINNED_XRAY_TAG, XRAY_PATHS, xrayDownloadUrl } from './xray-installer.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const HARNESS_XRAY = join(ROOT, 'remote-agent', 'test', 'support', 'fake-xray', 'xray');
const work = mkdtempSync(join(tmpdir(), 'keyport-xray-install-test-'));
const links: SshLink[] = [];
const servers: TestServer[] = [];
const sites: XrayReleaseSite[] = [];

async function hostOf(server: TestServer, user = 'root'): Promise<RemoteHost> {
  const link = new SshLink(testServerLink(server, user));
  links.push(link);
  return link.host();
}

/** A RemoteHost that remembers every command it was given, and what `mktemp -d` made. */
function recording(host: RemoteHost): { host: RemoteHost; commands: string[]; workDirs: string[] } {
  const commands: string[] = [];
  const workDirs: string[] = [];
  const remember = (command: string, result: CommandResult) => {
    if (command === 'mktemp -d' && result.exitCode === 0) workDirs.push(result.stdout.trim());
    return result;
  };
  const recorded: RemoteHost = {
    asRoot: host.asRoot,
    run: async (command, options) => (commands.push(command), remember(command, await host.run(command, options))),
    check: async (command, options) => {
      commands.push(command);
      const result = await host.run(command, options);
      remember(command, result);
      if (result.exitCode !== 0) throw new Error(`${command} failed: ${result.stderr}`);
      return result.stdout;
    },
    upload: (...args) => (commands.push('upload'), host.upload(...args)),
    removeStagedUploads: () => host.removeStagedUploads(),
    writeFile: (...args) => (commands.push('writeFile'), host.writeFile(...args)),
    openStream: (...args) => host.openStream(...args),
  };
  return { host: recorded, commands, workDirs };
}

/** A progress line as the English log reads it. */
const text = (line: DeployProgress) => deployNoteText(line.notes, 'en');

function recorder(): { progress: DeployProgress[]; onProgress: (progress: DeployProgress) => void } {
  const progress: DeployProgress[] = [];
  return { progress, onProgress: (line) => progress.push(line) };
}

const steps = (progress: DeployProgress[]) => progress.map(({ step, state }) => `${step}:${state}`);

after(async () => {
  for (const site of sites) await site.stop();
  await Promise.all(links.map((link) => link.close()));
  for (const server of servers) await server.destroy();
  rmSync(work, { recursive: true, force: true });
});

describe('the download URL of a release archive', () => {
  test('names the pinned release when no version is given: the one the stand-in Xray models', () => {
    const standIn = /^Xray (\S+) /.exec(execFileSync(HARNESS_XRAY, ['version'], { encoding: 'utf8' }))?.[1];
    assert.equal(PINNED_XRAY_TAG, `v${standIn}`, 'the installer\'s pin and the stand-in\'s `xray version` must say the same release');
    assert.equal(xrayDownloadUrl('x64', {}), `https://github.com/XTLS/Xray-core/releases/download/${PINNED_XRAY_TAG}/Xray-linux-64.zip`);
  });

  test('refuses a release older than the agent needs (api.listen came with v1.8.12), saying which to give', () => {
    assert.throws(() => xrayDownloadUrl('x64', { version: 'v1.8.11' }), (error: KeyportError) =>
      error.code === 'bad-input' &&
      error.message === `Xray v1.8.11 is older than v1.8.12, the oldest that takes the agent's config (api.listen): give ${PINNED_XRAY_TAG}, the version Keyport was checked against`);
    assert.doesNotThrow(() => xrayDownloadUrl('x64', { version: 'v1.8.12' }));
  });

  test('names the asset per arch, under download/TAG or latest/download', () => {
    assert.equal(
      xrayDownloadUrl('x64', { version: 'v25.10.15' }),
      'https://github.com/XTLS/Xray-core/releases/download/v25.10.15/Xray-linux-64.zip',
    );
    assert.equal(
      xrayDownloadUrl('arm64', { version: 'latest' }),
      'https://github.com/XTLS/Xray-core/releases/latest/download/Xray-linux-arm64-v8a.zip',
    );
    assert.equal(
      xrayDownloadUrl('arm64', { version: 'v1.8.24', releasesUrl: 'http://mirror.example:8080/xray/releases/' }),
      'http://mirror.example:8080/xray/releases/download/v1.8.24/Xray-linux-arm64-v8a.zip',
    );
  });

  test('refuses versions and URLs that are not plainly a tag and an http(s) URL', () => {
    const refused = (request: { version: string; releasesUrl?: string }, message: RegExp) =>
      assert.throws(() => xrayDownloadUrl('x64', request), (error: KeyportError) => error.code === 'bad-input' && message.test(error.message));
    for (const version of ['', '25.10.15', 'v25.10', 'v25.10.15-rc1', 'Latest', 'v1.2.3;id', '$(id)', 'v1.2.3\n']) {
      refused({ version }, /is not an Xray version/);
    }
    refused({ version: 'latest', releasesUrl: "https://x.example/it's" }, /whitespace, a quote or a backslash/);
    refused({ version: 'latest', releasesUrl: 'https://x.example/a b' }, /whitespace, a quote or a backslash/);
    refused({ version: 'latest', releasesUrl: 'https://x.example/a\\b' }, /whitespace, a quote or a backslash/);
    refused({ version: 'latest', releasesUrl: 'ftp://x.example/releases' }, /only http\(s\) URLs/);
    refused({ version: 'latest', releasesUrl: 'releases' }, /not a URL/);
    refused({ version: 'latest', releasesUrl: 'https://ann:secret@x.example/releases' }, /carries credentials/);
  });
});

describe('installing Xray on a server from a release site', () => {
  let server: TestServer;
  let site: XrayReleaseSite;

  before(async () => {
    server = await TestServer.create(await freePort());
    servers.push(server);
    site = await XrayReleaseSite.start(server, work);
    sites.push(site);
  });

  /** The server as the harness made it: /usr/local/bin/xray links to the harness's stand-in (the pinned release), no geo files. */
  function assertUntouched(): void {
    assert.ok(lstatSync(server.hostPath(XRAY_PATHS.binary)).isSymbolicLink(), 'the old xray is still in place');
    assert.deepEqual(readdirSync(server.hostPath('/usr/local/bin')), ['xray'], 'nothing staged is left beside it');
    assert.equal(existsSync(server.hostPath(XRAY_PATHS.assetDir)), false, 'no geo files were written');
    assert.ok(server.exec('xray', ['version']).startsWith(`Xray ${PINNED_XRAY_TAG.slice(1)} `), 'the harness stand-in still answers');
  }

  test('a bad version or URL is refused before any command runs on the server', async () => {
    const { host, commands } = recording(await hostOf(server));
    for (const request of [
      { version: 'v9.9.9; touch /opt/pwned' },
      { version: '9.9.9' },
      { version: 'v9.9.9', releasesUrl: `${site.url}' ; touch /opt/pwned ; '` },
      { version: 'v9.9.9', releasesUrl: 'file:///etc' },
    ]) {
      await assert.rejects(installXray(host, { arch: 'x64', request }), { code: 'bad-input' });
    }
    assert.deepEqual(commands, []);
    assert.equal(existsSync(server.hostPath('/opt/pwned')), false);
    assertUntouched();
  });

  test('an archive whose SHA2-256 differs from its .dgst is refused, and nothing changes', async () => {
    // As a tampered or broken download would be.
    const claimed = '0'.repeat(64);
    const zip = site.publish('9.9.9', { sha256: claimed });
    const { host, workDirs } = recording(await hostOf(server));
    const { progress, onProgress } = recorder();
    const failure = await installXray(host, { arch: 'x64', request: { version: 'v9.9.9', releasesUrl: site.url }, onProgress }).then(
      () => assert.fail('the tampered archive was installed'),
      (error: unknown) => error,
    );
    assert.ok(isKeyportError(failure));
    assert.equal(failure.code, 'deploy-failed');
    const actual = createHash('sha256').update(zip).digest('hex');
    assert.match(failure.message, new RegExp(`has SHA2-256 ${actual} but its \\.dgst says ${claimed}: refused, nothing on the server was changed`));
    assert.deepEqual(steps(progress), ['download-xray:started', 'download-xray:failed']);
    assertUntouched();
    assert.equal(workDirs.length, 1);
    assert.equal(existsSync(workDirs[0]!), false, 'the temp dir is gone');
  });

  test('an xray that does not run on the server is refused before it replaces anything', async () => {
    // A checked archive whose xray does not run here, as one built for another arch would not.
    site.publish('9.9.9', { xray: "#!/bin/sh\necho 'cannot execute binary file: Exec format error' >&2\nexit 126\n" });
    const { host, workDirs } = recording(await hostOf(server));
    const { progress, onProgress } = recorder();
    await assert.rejects(installXray(host, { arch: 'x64', request: { version: 'v9.9.9', releasesUrl: site.url }, onProgress }), {
      code: 'deploy-failed',
      message: /the new xray does not run on this server \(wrong arch\?\), so nothing was changed: cannot execute binary file/,
    });
    assert.deepEqual(steps(progress), ['download-xray:started', 'download-xray:done', 'install-xray:started', 'install-xray:failed']);
    assertUntouched();
    assert.equal(existsSync(workDirs[0]!), false, 'the temp dir is gone');
  });

  test('an archive without a .dgst, or without a SHA2-256 line in it, is refused too', async () => {
    const host = await hostOf(server);
    site.publish('9.9.9', { omitDgst: true });
    await assert.rejects(installXray(host, { arch: 'x64', request: { version: 'v9.9.9', releasesUrl: site.url } }), {
      code: 'deploy-failed',
      message: new RegExp(`^downloading ${site.url}/download/v9\\.9\\.9/Xray-linux-64\\.zip\\.dgst failed: curl: \\(22\\) .*404$`),
    });
    site.publish('9.9.9', { sha256: null });
    await assert.rejects(installXray(host, { arch: 'x64', request: { version: 'v9.9.9', releasesUrl: site.url } }), {
      code: 'deploy-failed',
      message: /holds no SHA2-256 line; refusing an Xray archive that cannot be checked/,
    });
    await assert.rejects(installXray(host, { arch: 'x64', request: { version: 'v9.9.8', releasesUrl: site.url } }), {
      code: 'deploy-failed',
      message: new RegExp(`^downloading ${site.url}/download/v9\\.9\\.8/Xray-linux-64\\.zip failed: curl: \\(22\\) .*404$`),
    });
    assertUntouched();
  });

  test('a checked archive is installed: binary and geo files in place, its version reported, the temp dir gone', async () => {
    const zip = site.publish('9.9.9');
    const { host, workDirs } = recording(await hostOf(server));
    const { progress, onProgress } = recorder();
    let binaryWhenHookRan = '';
    const result = await installXray(host, {
      arch: 'x64',
      request: { version: 'v9.9.9', releasesUrl: `${site.url}/` },
      onProgress,
      afterInstall: async () => {
        binaryWhenHookRan = readFileSync(server.hostPath(XRAY_PATHS.binary), 'utf8');
        return deployNote('agentStartedXray');
      },
    });

    assert.deepEqual(result, {
      xrayVersion: '9.9.9',
      binaryPath: '/usr/local/bin/xray',
      versionSupport: { version: '9.9.9', support: 'ok', minimum: '1.8.12', checked: PINNED_XRAY_TAG.slice(1) },
    });
    assert.deepEqual(steps(progress), ['download-xray:started', 'download-xray:done', 'install-xray:started', 'install-xray:done']);
    assert.equal(text(progress[0]!), `downloading Xray v9.9.9 (Keyport was checked against ${PINNED_XRAY_TAG}) from ${site.url}/download/v9.9.9/Xray-linux-64.zip`);
    assert.equal(text(progress[1]!), `Xray-linux-64.zip (${zip.length} bytes); its SHA2-256 matches the .dgst`);
    assert.equal(text(progress[3]!), 'Xray 9.9.9 at /usr/local/bin/xray; geoip.dat, geosite.dat in /usr/local/share/xray; the agent started Xray with it');

    const binary = server.hostPath(XRAY_PATHS.binary);
    assert.ok(lstatSync(binary).isFile(), 'the link was replaced by the new file (the harness stand-in it pointed at is untouched)');
    assert.equal(statSync(binary).mode & 0o777, 0o755);
    assert.equal(readFileSync(binary, 'utf8'), standInXray('9.9.9'));
    assert.equal(binaryWhenHookRan, standInXray('9.9.9'), 'the hook runs once the binary is in place');
    assert.match(readFileSync(HARNESS_XRAY, 'utf8'), /Keyport's stand-in for the Xray executable/);
    assert.deepEqual(readdirSync(server.hostPath('/usr/local/bin')), ['xray']);
    assert.deepEqual(readdirSync(server.hostPath(XRAY_PATHS.assetDir)).sort(), ['geoip.dat', 'geosite.dat']);
    assert.equal(readFileSync(server.hostPath(`${XRAY_PATHS.assetDir}/geoip.dat`), 'utf8'), 'geoip of 9.9.9');
    assert.equal(statSync(server.hostPath(`${XRAY_PATHS.assetDir}/geosite.dat`)).mode & 0o777, 0o644);

    assert.equal((await detectServer(host)).xrayVersion, '9.9.9');
    assert.match(server.exec('xray', ['help']), /Keyport's stand-in for Xray/, 'other commands reach the stand-in the agent uses');
    assert.equal(workDirs.length, 1);
    assert.equal(existsSync(workDirs[0]!), false, 'the temp dir is gone');
  });

  test('without a version the pinned release is installed, and says so; a newer one is installed with a warning', async () => {
    const pinned = PINNED_XRAY_TAG.slice(1);
    site.publish(pinned);
    const host = await hostOf(server);
    const { progress, onProgress } = recorder();
    const result = await installXray(host, { arch: 'x64', request: { releasesUrl: site.url }, onProgress });
    assert.equal(result.versionSupport.support, 'ok');
    assert.equal(text(progress[0]!), `downloading Xray ${PINNED_XRAY_TAG}, the version Keyport was checked against, from ${site.url}/download/${PINNED_XRAY_TAG}/Xray-linux-64.zip`);
    assert.match(text(progress.at(-1)!), new RegExp(`^Xray ${pinned} at /usr/local/bin/xray; .*; it is ${pinned}, the version Keyport was checked against$`));

    site.publish('99.1.1');
    const newer = recorder();
    const upgraded = await installXray(host, { arch: 'x64', request: { version: 'v99.1.1', releasesUrl: site.url }, onProgress: newer.onProgress });
    assert.deepEqual(upgraded.versionSupport, { version: '99.1.1', support: 'newer-than-checked', minimum: '1.8.12', checked: pinned });
    assert.match(text(newer.progress[0]!), new RegExp(`^downloading Xray v99\\.1\\.1 \\(warning: newer than ${PINNED_XRAY_TAG}, the version Keyport was checked against\\)`));
    assert.match(text(newer.progress.at(-1)!), new RegExp(`; it is newer than ${pinned}, the version Keyport was checked against: the agent may meet behaviour it was not checked with$`));
  });

  test('latest comes from latest/download, and a sudo user installs it too', async () => {
    site.publish('9.9.10', { latest: true });
    const user = server.addUser('nopasswd');
    const host = await hostOf(server, user);
    assert.equal(host.asRoot, false);
    const { progress, onProgress } = recorder();
    const result = await installXray(host, { arch: 'x64', request: { version: 'latest', releasesUrl: site.url }, onProgress });
    assert.equal(result.xrayVersion, '9.9.10');
    assert.equal(
      text(progress[0]!),
      `downloading the latest Xray (warning: whatever XTLS released last, which Keyport was not checked against; ${PINNED_XRAY_TAG} was) from ${site.url}/latest/download/Xray-linux-64.zip`,
    );
    assert.equal(lstatSync(server.hostPath(XRAY_PATHS.binary)).uid, 0, 'root owns the binary');
    assert.equal(readFileSync(server.hostPath(`${XRAY_PATHS.assetDir}/geosite.dat`), 'utf8'), 'geosite of 9.9.10');
  });
});
