// Keyport's stand-in for the `xray` executable: the commands the agent runs, modelled on Xray-core
// v26.7.28 (argument shapes, output streams, texts and exit codes). See README.md for the sources.

import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, formatsOf, decodeJson, readSource, readErrorText } from './config-load.mjs';
import { buildConfig, buildInbound } from './config-check.mjs';
import { goLogPrefix } from './go-log.mjs';
import { ApiClient, ApiDialError } from './api-client.mjs';
import { createInstance, serve } from './server.mjs';
import { XrayError } from './xray-errors.mjs';

/** The Xray release this stand-in models; the installer pins the same version. */
export const XRAY_VERSION = '26.7.28';

// core/core.go:67-72 prints "Xray X.Y.Z (codename) build (go version os/arch)" and the intro line.
// The build field is where release binaries carry a commit id; the stand-in names itself there.
const VERSION_LINES = [
  `Xray ${XRAY_VERSION} (Xray, Penetrates Everything.) Keyport-stand-in (go1.26.0 linux/amd64)`,
  'A unified platform for anti-censorship.',
];

const USAGE = `Keyport's stand-in for Xray ${XRAY_VERSION}.

Usage:
        xray version
        xray run [-test] [-format json] [-c FILE]
        xray api adi [-s ADDR] [-t SECONDS] [FILE | stdin:]...
        xray api rmi [-s ADDR] [-t SECONDS] [TAG | FILE | stdin:]...
        xray api lsi [-s ADDR] [-t SECONDS] [-isOnlyTags true]

ADDR defaults to 127.0.0.1:8080 and SECONDS to 3. Flags take -name VALUE, -name=VALUE or --name=VALUE.
`;

const CONFIG_ERROR_EXIT = 23;
// main/run.go:94-96: os.Exit(-1), which a shell sees as 255.
const START_ERROR_EXIT = 255;

/** Bad command line: Go's flag error and the command's usage on stderr, exit 2 (main/commands/base). */
class UsageError extends Error {}

const USAGE_LINES = {
  run: 'xray run [-c config.json] [-confdir dir]',
  'api adi': 'xray api adi [--server=127.0.0.1:8080] <c1.json> [c2.json]...',
  'api rmi': 'xray api rmi [--server=127.0.0.1:8080] <json_file|tag> [json_file] [tag]...',
  'api lsi': 'xray api lsi [--server=127.0.0.1:8080] [--isOnlyTags=true]',
};

/** main/commands/base: Fatalf prints the message and a newline to stderr and exits 1. */
class FatalError extends Error {}

const COMMANDS = { version: commandVersion, run: commandRun, api: commandApi, help: commandHelp };
const API_COMMANDS = { adi: commandAddInbounds, rmi: commandRemoveInbounds, lsi: commandListInbounds };

async function main(args) {
  requireReusePort();
  const [name, ...rest] = args.length === 0 || args[0].startsWith('-') ? ['run', ...args] : args;
  if (['-h', '-help', '--help'].includes(name)) return commandHelp();
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`xray ${name}: unknown command\nRun 'xray help' for usage.`);
  return command(rest);
}

// Xray listens with SO_REUSEPORT (transport/internet/system_listener.go:38); Node offers it from
// 22.12 / 23.1 on. Without it the stand-in would model a different program: refuse to run.
function requireReusePort() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12)) return;
  process.stderr.write(`fake-xray: Node ${process.versions.node} has no reusePort; run it with Node >= 22.12 (the xray wrapper picks the repo's pinned Node)\n`);
  process.exit(70);
}

function commandVersion() {
  printLines(VERSION_LINES);
  return 0;
}

function commandHelp() {
  process.stdout.write(USAGE);
  return 0;
}

// --- run (main/run.go:74-109) ---

async function commandRun(args) {
  const { values } = parseFlags('run', args, {
    test: { kind: 'bool', key: 'test' },
    dump: { kind: 'bool', key: 'dump' },
    c: { kind: 'string', key: 'config' },
    config: { kind: 'string', key: 'config' },
    confdir: { kind: 'string', key: 'confdir' },
    format: { kind: 'string', key: 'format' },
  });
  // Arguments after the flags are ignored, as executeRun does.
  if (last(values.dump)) fatal('fake-xray: the stand-in does not model -dump');
  if (last(values.confdir)) fatal('fake-xray: the stand-in does not model -confdir');

  printLines(VERSION_LINES);
  const files = configFilesOf(values.config ?? []);
  let instance;
  try {
    instance = createInstance(await loadAndBuild(files, last(values.format) ?? 'auto'), XRAY_VERSION);
  } catch (error) {
    if (!(error instanceof XrayError)) throw error;
    printLines([`Failed to start: ${error.message}`]);
    return CONFIG_ERROR_EXIT;
  }
  if (last(values.test)) {
    printLines(['Configuration OK.']);
    return 0;
  }
  const failure = await serve(instance);
  if (failure !== undefined) {
    printLines([`Failed to start: ${failure}`]);
    return START_ERROR_EXIT;
  }
  return undefined;
}

/** startXray (main/run.go:216-230), the loading and building before core.New. */
async function loadAndBuild(files, format) {
  const where = `failed to load config files: [${files.join(' ')}]`;
  let config;
  try {
    const formats = formatsOf(files, format);
    if (files.length > 1) {
      throw new XrayError('the Keyport stand-in reads a single config file (one -c); Xray would merge them');
    }
    config = await loadConfigFile(files[0], formats[0]);
  } catch (error) {
    throw wrapMain(where, error);
  }
  let built;
  try {
    // Warnings Xray logs while building reach its default logger: stdout, every severity
    // (common/log/logger.go:182), before the config's own log settings take over.
    built = buildConfig(config, defaultLogWarning);
  } catch (error) {
    throw wrapMain(where, error);
  }
  return built;
}

function wrapMain(message, error) {
  if (!(error instanceof XrayError)) throw error;
  return new XrayError(`main: ${message} > ${error.message}`);
}

function defaultLogWarning(pkg, text) {
  process.stdout.write(`${goLogPrefix()}[Warning] ${pkg}: ${text}\n`);
}

/** getConfigFilePath (main/run.go:165-206): the -c files, ./config.{json,...}, else stdin. */
function configFilesOf(files) {
  if (files.length > 0) return files;
  for (const suffix of ['.json', '.jsonc', '.toml', '.yaml', '.yml']) {
    const file = join(process.cwd(), `config${suffix}`);
    if (existsSync(file) && !statSync(file).isDirectory()) {
      goLog(`Using default config:  ${file}`);
      return [file];
    }
  }
  goLog('Using config from STDIN');
  return ['stdin:'];
}

/** main's own `log.Println`: stderr, with Go's date and time (main/run.go:52). */
function goLog(text) {
  process.stderr.write(`${goLogPrefix()}${text}\n`);
}

// --- api (main/commands/all/api) ---

async function commandApi(args) {
  const [name, ...rest] = args;
  const command = API_COMMANDS[name];
  if (!command) throw new UsageError(`xray api ${name ?? ''}: unknown command\nRun 'xray help api' for usage.`);
  return command(rest, `api ${name}`);
}

/** main/commands/all/api/inbounds_add.go:34-78. */
async function commandAddInbounds(args, command) {
  const { options, sources } = parseApiArgs(command, args);
  const inbounds = [];
  for (const source of sources) {
    const text = await readSource(source).catch((error) => fatal(`failed to load ${source}: ${readErrorText(source, error)}`));
    inbounds.push(...decodeInbounds(text, source));
  }
  if (inbounds.length === 0) fatal('no valid inbound found');

  return withClient(options, async (client) => {
    for (const inbound of inbounds) {
      printLines([`adding: ${tagText(inbound)}`]);
      try {
        buildInbound(inbound, defaultLogWarning);
      } catch (error) {
        if (!(error instanceof XrayError)) throw error;
        fatal(`failed to build conf: ${error.message}`);
      }
      await client.call({ op: 'add', inbound }).catch((error) => fatal(`failed to add inbound: ${error.message}`));
      printLines(['{}']);
    }
  });
}

/** main/commands/all/api/inbounds_remove.go:33-79. */
async function commandRemoveInbounds(args, command) {
  const { options, sources } = parseApiArgs(command, args);
  const tags = [];
  for (const source of sources) {
    const text = await readSource(source).catch(() => undefined);
    if (text === undefined) tags.push(source);
    else tags.push(...decodeInbounds(text, source).map(tagText));
  }
  if (tags.length === 0) fatal('no inbound to remove');
  printLines([`removing inbounds: [${tags.join(' ')}]`]);

  return withClient(options, async (client) => {
    for (const tag of tags) {
      printLines([`removing: ${tag}`]);
      await client.call({ op: 'remove', tag }).catch((error) => fatal(`failed to remove inbound: ${error.message}`));
      printLines(['{}']);
    }
  });
}

/** main/commands/all/api/inbounds_list.go:30-47: isOnlyTags is a string flag, "true" or not. */
async function commandListInbounds(args, command) {
  const { options, values } = parseApiArgs(command, args, { isOnlyTags: { kind: 'string', key: 'isOnlyTags' } });
  return withClient(options, async (client) => {
    const reply = await client
      .call({ op: 'list', isOnlyTags: last(values.isOnlyTags) === 'true' })
      .catch((error) => fatal(`failed to list inbounds: ${error.message}`));
    process.stdout.write(reply);
  });
}

/** One connection per command, closed when it is done (dialAPIServer and `defer close()`, main/commands/all/api/shared.go:41-52); exit code 0. */
async function withClient(options, work) {
  const client = await dial(options);
  try {
    await work(client);
  } finally {
    client.close();
  }
  return 0;
}

/** setSharedFlags (shared.go:33-39) plus a command's own flags; no argument means stdin. */
function parseApiArgs(command, args, extra = {}) {
  const { values, rest } = parseFlags(command, args, {
    s: { kind: 'string', key: 'server' },
    server: { kind: 'string', key: 'server' },
    t: { kind: 'int', key: 'timeout' },
    timeout: { kind: 'int', key: 'timeout' },
    json: { kind: 'bool', key: 'json' },
    ...extra,
  });
  const address = last(values.server) ?? '127.0.0.1:8080';
  const timeoutSeconds = last(values.timeout) ?? 3;
  let sources = rest;
  if (sources.length === 0 && Object.keys(extra).length === 0) {
    printLines(['reading from stdin:']);
    sources = ['stdin:'];
  }
  return { options: { address, timeoutSeconds }, sources, values };
}

/** dialAPIServer (shared.go:41-52): one deadline for the dial and every call after it. */
async function dial({ address, timeoutSeconds }) {
  try {
    return await ApiClient.dial(address, Date.now() + timeoutSeconds * 1000);
  } catch (error) {
    if (error instanceof ApiDialError) fatal(`failed to dial ${address}`);
    throw error;
  }
}

/** serial.DecodeJSONConfig on a fragment: its `inbounds`, or a fatal "failed to decode". */
function decodeInbounds(text, source) {
  let config;
  try {
    config = decodeJson(text);
  } catch (error) {
    fatal(`failed to decode ${source}: ${error.message}`);
  }
  const inbounds = config?.inbounds ?? [];
  if (!Array.isArray(inbounds)) fatal(`failed to decode ${source}: infra/conf/serial: failed to read config file > json: cannot unmarshal into []conf.InboundDetourConfig`);
  return inbounds;
}

function tagText(inbound) {
  return typeof inbound?.tag === 'string' ? inbound.tag : '';
}

// --- shared helpers ---

/**
 * Go `flag` package rules: `-name`, `--name`, `-name=value`, `-name value` (not for bools);
 * parsing stops at the first non-flag argument or after `--`. Every value is kept, in order.
 */
function parseFlags(command, args, spec) {
  const usage = (message) => new UsageError(`${message}\nusage: ${USAGE_LINES[command]}\nRun 'xray help ${command}' for details.`);
  const values = {};
  let index = 0;
  for (; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--') {
      index += 1;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.slice(arg.startsWith('--') ? 2 : 1);
    const equals = body.indexOf('=');
    const name = equals < 0 ? body : body.slice(0, equals);
    const flag = spec[name];
    if (!flag) throw usage(`flag provided but not defined: -${name}`);
    let value;
    if (equals >= 0) value = body.slice(equals + 1);
    else if (flag.kind === 'bool') value = 'true';
    else if (index + 1 < args.length) value = args[(index += 1)];
    else throw usage(`flag needs an argument: -${name}`);
    const converted = convertFlag(flag.kind, value);
    if (converted === undefined) {
      throw usage(flag.kind === 'bool' ? `invalid boolean value "${value}" for -${name}: parse error` : `invalid value "${value}" for flag -${name}: parse error`);
    }
    (values[flag.key] ??= []).push(converted);
  }
  return { values, rest: args.slice(index) };
}

function convertFlag(kind, value) {
  if (kind === 'string') return value;
  if (kind === 'int' && /^[+-]?\d+$/.test(value)) return Number(value);
  if (kind === 'bool' && ['true', '1', 't', 'TRUE', 'True', 'T'].includes(value)) return true;
  if (kind === 'bool' && ['false', '0', 'f', 'FALSE', 'False', 'F'].includes(value)) return false;
  return undefined;
}

function fatal(message) {
  throw new FatalError(message);
}

function last(list) {
  return list?.at(-1);
}

function printLines(lines) {
  process.stdout.write(`${lines.join('\n')}\n`);
}

// Run only as the program, so other code may import XRAY_VERSION from this file.
const isProgram = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isProgram) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      if (error instanceof FatalError) process.stderr.write(`${error.message}\n`);
      else process.stderr.write(`${error?.stack ?? error}\n`);
      process.exitCode = 1;
    },
  );
}
