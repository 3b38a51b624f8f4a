import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from '../harness/test-server.ts';
import { FAKE_XRAY } from '../../test-support/stand-in-xray.ts';
import { stopChild } from '../../test-support/stop-child.ts';

/** The archive's name per arch, as Xray-core's release workflow names them; a stand-in release runs on either. */
const ASSETS = ['Xray-linux-64.zip', 'Xray-linux-arm64-v8a.zip'];

const SITE_SERVER = `
const { createServer } = require('node:http');
const { readFile } = require('node:fs/promises');
const { join, normalize } = require('node:path');
const [root] = process.argv.slice(1);
const server = createServer(async (request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
  const body = path.includes('..') ? undefined : await readFile(join(root, path)).catch(() => undefined);
  response.writeHead(body ? 200 : 404).end(body ?? 'Not Found');
}).listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export interface PublishOptions {
  /** The archive's `xray`: standInXray(version) unless given. */
  xray?: string;
  /** What the .dgst's SHA2-256 line says: the archive's own unless given; null leaves the line out. */
  sha256?: string | null;
  /** Publishes the archive with no .dgst beside it. */
  omitDgst?: boolean;
  /** Serves it as the latest release too (under latest/download, as GitHub does). */
  latest?: boolean;
}

/**
 * Xray releases laid out as GitHub serves them (`download/TAG/ASSET`, `latest/download/ASSET`,
 * each archive with its `.dgst`), served over HTTP on 127.0.0.1 inside a test server's namespace,
 * where the server's curl reaches it.
 */
export class XrayReleaseSite {
  readonly #root: string;
  readonly #workDir: string;
  readonly #child: ChildProcess;
  readonly #port: number;

  private constructor(root: string, workDir: string, child: ChildProcess, port: number) {
    this.#root = root;
    this.#workDir = workDir;
    this.#child = child;
    this.#port = port;
  }

  /** Starts an empty site on a free port of `server`'s loopback; its files and archives go under `workDir`. */
  static async start(server: TestServer, workDir: string): Promise<XrayReleaseSite> {
    const root = mkdtempSync(join(workDir, 'xray-release-site-'));
    const child = spawn('ip', ['netns', 'exec', server.namespace, process.execPath, '-e', SITE_SERVER, root], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.once('exit', (code) => reject(new Error(`the release site exited with ${code}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve(Number(output.trim()));
      });
    });
    return new XrayReleaseSite(root, workDir, child, port);
  }

  /** The releases URL to install from (`--releases-url`). */
  get url(): string {
    return `http://127.0.0.1:${this.#port}/releases`;
  }

  /**
   * Publishes release v`version` (replacing one published before): an archive as Xray-core's
   * workflow makes it, and its .dgst unless told otherwise. Returns the archive.
   */
  publish(version: string, options: PublishOptions = {}): Buffer {
    const zip = releaseZip(this.#workDir, version, options.xray ?? standInXray(version));
    const dirs = [`download/v${version}`, ...(options.latest ? ['latest/download'] : [])];
    for (const dir of dirs.map((path) => join(this.#root, 'releases', path))) {
      mkdirSync(dir, { recursive: true });
      for (const asset of ASSETS) {
        writeFileSync(join(dir, asset), zip);
        if (options.omitDgst) rmSync(join(dir, `${asset}.dgst`), { force: true });
        else writeFileSync(join(dir, `${asset}.dgst`), dgstOf(zip, options.sha256));
      }
    }
    return zip;
  }

  /** Ends the site's HTTP server (only it). */
  async stop(): Promise<void> {
    await stopChild(this.#child);
  }
}

/**
 * What a published archive's `xray` is unless told otherwise: a stand-in that says it is Xray
 * `version` and hands every other command to the harness's stand-in, so the agent runs it as it
 * runs that one.
 */
export function standInXray(version: string): string {
  return [
    '#!/bin/sh',
    `# Stand-in Xray ${version} from a test release site.`,
    'if [ "$1" = version ]; then',
    `  echo 'Xray ${version} (Xray, Penetrates Everything.) Custom (go1.24 linux/amd64)'`,
    "  echo 'A unified platform for anti-censorship.'",
    '  exit 0',
    'fi',
    `exec ${FAKE_XRAY} "$@"`,
    '',
  ].join('\n');
}

/** A release archive as Xray-core's workflow makes it (xray, geo files, README, LICENSE), zipped by python3's zipfile. */
function releaseZip(workDir: string, version: string, xray: string): Buffer {
  const dir = mkdtempSync(join(workDir, 'xray-release-'));
  try {
    writeFileSync(join(dir, 'xray'), xray, { mode: 0o755 });
    writeFileSync(join(dir, 'geoip.dat'), `geoip of ${version}`);
    writeFileSync(join(dir, 'geosite.dat'), `geosite of ${version}`);
    writeFileSync(join(dir, 'README.md'), 'Project X');
    writeFileSync(join(dir, 'LICENSE'), 'MPL-2.0');
    execFileSync('python3', ['-m', 'zipfile', '-c', 'release.zip', 'xray', 'geoip.dat', 'geosite.dat', 'README.md', 'LICENSE'], { cwd: dir });
    return readFileSync(join(dir, 'release.zip'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const digestOf = (zip: Buffer, algorithm: string) => createHash(algorithm).update(zip).digest('hex');

/** The .dgst beside each release archive: `openssl dgst` lines with the file name cut out. */
function dgstOf(zip: Buffer, sha256: string | null = digestOf(zip, 'sha256')): string {
  const lines = [`MD5= ${digestOf(zip, 'md5')}`, `SHA1= ${digestOf(zip, 'sha1')}`];
  if (sha256 !== null) lines.push(`SHA2-256= ${sha256}`);
  lines.push(`SHA2-512= ${digestOf(zip, 'sha512')}`);
  return `${lines.join('\n')}\n`;
}
