import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { DeployProgress, ServerFacts, XrayInstallRequest, XrayInstallResult } from '../../../shared/contract/deploy.ts';
import { unexpectedAnswer } from '../ssh/remote-answer.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import { ProgressSteps } from './progress-steps.ts';
import { remoteSha256 } from './remote-sha256.ts';
import {
  XRAY_CHECKED_VERSION,
  XRAY_MINIMUM_VERSION,
  xrayReleaseTag,
  xrayVersionSupport,
} from '../../../../remote-agent/src/api/xray-version-support.ts';
import { xraySupportNote, xrayVersionNumber } from './xray-version.ts';

export const DEFAULT_XRAY_RELEASES_URL = 'https://github.com/XTLS/Xray-core/releases';

/** The release installed when none is named: the one Keyport was checked against (pinned in the agent). */
export const PINNED_XRAY_TAG = xrayReleaseTag(XRAY_CHECKED_VERSION);

/** Where Xray goes on a server. */
export interface XrayPaths {
  /** The executable the agent runs (its `--xray-bin` default). */
  binary: string;
  /** geoip.dat and geosite.dat, where Xray looks for them (as XTLS's own install script puts them). */
  assetDir: string;
}

export const XRAY_PATHS: XrayPaths = { binary: '/usr/local/bin/xray', assetDir: '/usr/local/share/xray' };

/** The release archive per arch, as Xray-core's release workflow names them (.github/build/friendly-filenames.json). */
const ASSETS: Record<ServerFacts['arch'], string> = { x64: 'Xray-linux-64.zip', arm64: 'Xray-linux-arm64-v8a.zip' };
const GEO_FILES = ['geoip.dat', 'geosite.dat'];
const VERSION = /^(latest|v\d+\.\d+\.\d+)$/;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
// Exit codes of the scripts below that mean "a tool is missing": the message then says what to install.
const EXIT_NO_TOOL = 90;

export interface InstallXrayOptions {
  arch: ServerFacts['arch'];
  request: XrayInstallRequest;
  onProgress?: (progress: DeployProgress) => void;
  /**
   * Runs once the new binary is in place, to let the agent take it; the note it returns ends the
   * install step's line. A failure here fails the install step (Xray stays installed).
   */
  afterInstall?: () => Promise<DeployNote>;
}

/**
 * Installs or upgrades Xray from its release archive: downloads the zip and its `.dgst` on the
 * server (curl, else wget), refuses an archive whose SHA2-256 differs from the `.dgst`, unpacks it
 * (unzip, else python3's zipfile), checks that the new `xray` runs, then moves it and the geo
 * files over the old ones (each staged beside its target, then renamed). Nothing on the server
 * changes until the new binary has answered `xray version`; the temp dir goes in every case.
 * The version and URL are validated before any command runs: nothing typed reaches a shell unquoted.
 */
export async function installXray(host: RemoteHost, options: InstallXrayOptions): Promise<XrayInstallResult> {
  const url = xrayDownloadUrl(options.arch, options.request);
  const asset = ASSETS[options.arch];
  const steps = new ProgressSteps(options.onProgress);

  const workDir = await makeWorkDir(host);
  try {
    await steps.run('download-xray', deployNote('downloadingXray', { release: whichRelease(options.request.version ?? PINNED_XRAY_TAG), url }), async () => {
      const sizeBytes = await download(host, workDir, asset, url);
      const expected = parseDgst(await host.check(`head -c 65536 ${shellQuote(`${workDir}/${asset}.dgst`)}`), `${url}.dgst`);
      const actual = await remoteSha256(host, `${workDir}/${asset}`);
      if (actual !== expected) {
        throw new KeyportError(
          'deploy-failed',
          `${asset} from ${url} has SHA2-256 ${actual ?? '(unreadable)'} but its .dgst says ${expected}: refused, nothing on the server was changed`,
          { expected, actual: actual ?? null },
        );
      }
      return { value: undefined, notes: [deployNote('xrayArchiveChecked', { asset, bytes: sizeBytes })] };
    });
    return await steps.run('install-xray', deployNote('installingXray', { binary: XRAY_PATHS.binary, assetDir: XRAY_PATHS.assetDir }), async () => {
      await unpack(host, workDir, asset);
      const installed = await place(host, workDir, XRAY_PATHS);
      const versionOutput = await host.check(`${shellQuote(XRAY_PATHS.binary)} version`);
      const xrayVersion = xrayVersionNumber(versionOutput);
      const versionSupport = xrayVersionSupport(versionOutput);
      const support = xraySupportNote(versionSupport);
      const notes: DeployNote[] = [
        deployNote('xrayInstalled', { version: xrayVersion, binary: XRAY_PATHS.binary }),
        ...(installed.length > 0 ? [deployNote('xrayGeoFilesInstalled', { files: installed.join(', '), assetDir: XRAY_PATHS.assetDir })] : []),
        ...(support ? [support] : []),
        ...(options.afterInstall ? [await options.afterInstall()] : []),
      ];
      return { value: { xrayVersion, binaryPath: XRAY_PATHS.binary, versionSupport }, notes };
    });
  } finally {
    await host.run(`rm -rf -- ${shellQuote(workDir)}`).catch(() => undefined);
  }
}

/** Where the archive for `arch` is, after checking the request (see checkXrayRequest). */
export function xrayDownloadUrl(arch: ServerFacts['arch'], request: XrayInstallRequest): string {
  const base = checkXrayRequest(request);
  const asset = ASSETS[arch];
  const version = request.version ?? PINNED_XRAY_TAG;
  return version === 'latest' ? `${base}/latest/download/${asset}` : `${base}/download/${version}/${asset}`;
}

/**
 * Throws `bad-input` unless the version is absent (the pinned release), a release tag (`v1.2.3`)
 * no older than the agent needs, or `latest`, and the releases URL a plain http(s) URL; resolves
 * to that URL without a trailing slash.
 */
export function checkXrayRequest(request: XrayInstallRequest): string {
  const version = request.version ?? PINNED_XRAY_TAG;
  if (!VERSION.test(version)) {
    throw new KeyportError('bad-input', `"${version}" is not an Xray version: give a release tag such as ${PINNED_XRAY_TAG}, or latest`);
  }
  if (version !== 'latest' && xrayVersionSupport(`Xray ${version}`).support === 'too-old') {
    throw new KeyportError(
      'bad-input',
      `Xray ${version} is older than v${XRAY_MINIMUM_VERSION}, the oldest that takes the agent's config (api.listen): give ${PINNED_XRAY_TAG}, the version Keyport was checked against`,
      { version, minimum: XRAY_MINIMUM_VERSION },
    );
  }
  return releasesUrl(request.releasesUrl ?? DEFAULT_XRAY_RELEASES_URL);
}

/** Which release a download is, and what Keyport knows of it. */
function whichRelease(version: string): DeployNote {
  if (version === PINNED_XRAY_TAG) return deployNote('xrayReleaseChecked', { version });
  if (version === 'latest') return deployNote('xrayReleaseLatest', { checked: PINNED_XRAY_TAG });
  if (xrayVersionSupport(`Xray ${version}`).support === 'newer-than-checked') return deployNote('xrayReleaseNewer', { version, checked: PINNED_XRAY_TAG });
  return deployNote('xrayReleaseOther', { version, checked: PINNED_XRAY_TAG });
}

function releasesUrl(given: string): string {
  const refuse = (why: string) => new KeyportError('bad-input', `"${given}" cannot be the Xray releases URL: ${why}`);
  // Quoted for the shell anyway; refused because no real mirror needs them and they hide mistakes.
  if (/[\s'"`\\]/.test(given) || /\p{Cc}/u.test(given)) throw refuse('it holds whitespace, a quote or a backslash');
  let parsed: URL;
  try {
    parsed = new URL(given);
  } catch {
    throw refuse('it is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw refuse('only http(s) URLs are fetched');
  // It would show in progress messages and in the server's process list.
  if (parsed.username || parsed.password) throw refuse('it carries credentials');
  return given.replace(/\/+$/, '');
}

async function makeWorkDir(host: RemoteHost): Promise<string> {
  const dir = (await host.check('mktemp -d')).trim();
  if (!/^\/[A-Za-z0-9._/-]+$/.test(dir) || dir.split('/').includes('..')) {
    throw new Error(`mktemp -d gave "${dir}", which is not a directory Keyport will work in`);
  }
  return dir;
}

/** Fetches the archive and its .dgst into `workDir`; resolves to the archive's size in bytes. */
async function download(host: RemoteHost, workDir: string, asset: string, url: string): Promise<number> {
  const zip = shellQuote(`${workDir}/${asset}`);
  const dgst = shellQuote(`${workDir}/${asset}.dgst`);
  // The tool's own complaint (curl: (22) ... 404) comes back in the message.
  const fetchInto = (file: string, from: string) =>
    `if ! answer=$(fetch ${file} ${shellQuote(from)} 2>&1); then printf 'downloading %s failed: %s\\n' ${shellQuote(from)} "\${answer:-no reason given}" >&2; exit 1; fi`;
  const script = [
    'if command -v curl >/dev/null 2>&1; then fetch() { curl -fsSL --connect-timeout 30 -o "$1" "$2"; }',
    'elif command -v wget >/dev/null 2>&1; then fetch() { wget -q -T 30 -O "$1" "$2"; }',
    `else echo 'the server has neither curl nor wget to download Xray with: install one of them (e.g. apt-get install curl)' >&2; exit ${EXIT_NO_TOOL}; fi`,
    fetchInto(zip, url),
    fetchInto(dgst, `${url}.dgst`),
    `wc -c < ${zip}`,
  ].join('\n');
  const result = await host.run(script, { timeoutMs: DOWNLOAD_TIMEOUT_MS });
  if (result.exitCode !== 0) throw scriptFailure(result);
  const size = result.stdout.trim();
  if (!/^\d{1,12}$/.test(size)) throw unexpectedAnswer(`wc -c of the downloaded ${asset}`, 'a size in bytes', size);
  return Number(size);
}

/** The SHA2-256 line of a release's .dgst: `SHA2-256= hex` (OpenSSL 3) or `SHA256= hex` (OpenSSL 1.1). */
function parseDgst(text: string, dgstUrl: string): string {
  const match = /^SHA2?-?256(?:\([^)]*\))?\s*=\s*([0-9a-fA-F]{64})\s*$/m.exec(text);
  if (!match) throw new KeyportError('deploy-failed', `${dgstUrl} holds no SHA2-256 line; refusing an Xray archive that cannot be checked`);
  return match[1]!.toLowerCase();
}

/** Unpacks xray and the geo files into `workDir/unpacked`. */
async function unpack(host: RemoteHost, workDir: string, asset: string): Promise<void> {
  const zip = shellQuote(`${workDir}/${asset}`);
  const out = shellQuote(`${workDir}/unpacked`);
  const script = [
    `mkdir ${out} || exit 1`,
    // unzip exits 11 when a named member is missing: a missing geo file is not fatal, a missing xray is (below).
    `if command -v unzip >/dev/null 2>&1; then unzip -q -o ${zip} xray ${GEO_FILES.join(' ')} -d ${out} || [ $? -eq 11 ] || exit 1`,
    `elif command -v python3 >/dev/null 2>&1; then python3 -m zipfile -e ${zip} ${out} || exit 1`,
    `else echo 'the server has neither unzip nor python3 to unpack the Xray archive with: install unzip (e.g. apt-get install unzip)' >&2; exit ${EXIT_NO_TOOL}; fi`,
    `[ -f ${out}/xray ] || { echo 'the archive holds no xray executable' >&2; exit 1; }`,
  ].join('\n');
  const result = await host.run(script, { timeoutMs: 120_000 });
  if (result.exitCode !== 0) throw scriptFailure(result, 'unpacking the Xray archive failed');
}

/**
 * Stages the new binary beside the old one and runs it; only if it answers `version` do the geo
 * files and then the binary replace theirs, each by a rename. Resolves to the geo files installed.
 */
async function place(host: RemoteHost, workDir: string, paths: XrayPaths): Promise<string[]> {
  const unpacked = `${workDir}/unpacked`;
  const binary = shellQuote(paths.binary);
  const assetDir = shellQuote(paths.assetDir);
  // Whatever is still staged when the script ends (early, or after the renames) goes.
  const staged = ['bin', ...GEO_FILES.map((_name, index) => `geo${index}`)];
  const script = [
    ...staged.map((name) => `${name}=''`),
    `trap 'rm -f ${staged.map((name) => `"$${name}"`).join(' ')}' EXIT`,
    `mkdir -p ${shellQuote(paths.binary.slice(0, paths.binary.lastIndexOf('/')) || '/')} || exit 1`,
    `bin=$(mktemp ${shellQuote(`${paths.binary}.XXXXXX`)}) || exit 1`,
    `cat ${shellQuote(`${unpacked}/xray`)} > "$bin" && chmod 0755 "$bin" || exit 1`,
    // Run from beside its target, not from the temp dir: /tmp is often mounted noexec.
    'if ! answer=$("$bin" version 2>&1); then',
    `  printf 'the new xray does not run on this server (wrong arch?), so nothing was changed: %s\\n' "$answer" >&2; exit 1`,
    'fi',
    `mkdir -p ${assetDir} || exit 1`,
    ...GEO_FILES.flatMap((name, index) => {
      const source = shellQuote(`${unpacked}/${name}`);
      const geo = `"$geo${index}"`;
      return [
        `if [ -f ${source} ]; then`,
        `  geo${index}=$(mktemp ${shellQuote(`${paths.assetDir}/${name}.XXXXXX`)}) || exit 1`,
        `  cat ${source} > ${geo} && chmod 0644 ${geo} && mv -f ${geo} ${shellQuote(`${paths.assetDir}/${name}`)} || exit 1`,
        `  echo ${name}`,
        'fi',
      ];
    }),
    `mv -f "$bin" ${binary} || exit 1`,
  ].join('\n');
  const result = await host.run(script, { timeoutMs: 120_000 });
  if (result.exitCode !== 0) throw scriptFailure(result, `installing Xray into ${paths.binary} failed`);
  return result.stdout.split('\n').filter((line) => GEO_FILES.includes(line.trim()));
}

/** The error of a failed script: its own message (stderr), after `what` failed when given. */
function scriptFailure(result: { stderr: string; exitCode: number }, what?: string): KeyportError {
  const detail = result.stderr.trim() || `exit code ${result.exitCode}`;
  return new KeyportError(result.exitCode === EXIT_NO_TOOL ? 'unsupported-server' : 'deploy-failed', what ? `${what}: ${detail}` : detail);
}
