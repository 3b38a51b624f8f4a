// Keyport's stand-in for the `xray` executable: the commands the agent runs, with Xray's argument
// shapes (Go `flag` rules), exit codes and the messages that matter. See README.md.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ConfigError, parseHostPort, validateConfig, validateInbound } from './config-check.mjs';
import { StandIn, joinHostPort } from './server.mjs';

const VERSION_LINES = [
  'Xray 26.7.11 (Keyport stand-in) Custom (go1.24 linux/amd64)',
  'A unified platform for anti-censorship.',
];

const USAGE = `Keyport's stand-in for Xray.

Usage:
        xray version
        xray run [-test] [-c FILE | -config FILE]
        xray api adi [-s ADDR] [-t SECONDS] [FILE | stdin:]...
        xray api rmi [-s ADDR] [-t SECONDS] [TAG | FILE | stdin:]...
        xray api lsi [-s ADDR] [-t SECONDS]

ADDR defaults to 127.0.0.1:8080 and SECONDS to 3. Flags take -name VALUE, -name=VALUE or --name=VALUE.
`;

const CONFIG_ERROR_EXIT = 23;
const DEFAULT_API_ADDRESS = '127.0.0.1:8080';
const DEFAULT_API_TIMEOUT_SECONDS = 3;
const DIAL_RETRY_MS = 100;

/** Bad command line: usage goes to stderr, exit 1. */
class UsageError extends Error {}

/** Like Go's base.Fatalf in Xray's commands: the message goes to stderr, exit 1. */
class FatalError extends Error {}

class DialError extends Error {}

const COMMANDS = {
  version: commandVersion,
  run: commandRun,
  api: commandApi,
  help: commandHelp,
};

const API_COMMANDS = {
  adi: commandAddInbounds,
  rmi: commandRemoveInbounds,
  lsi: commandListInbounds,
};

async function main(args) {
  // Like Xray: no command, or flags first, means `run`.
  const [name, ...rest] = args.length === 0 || args[0].startsWith('-') ? ['run', ...args] : args;
  if (['-h', '-help', '--help'].includes(name)) return commandHelp();
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command(rest);
}

function commandVersion() {
  printLines(VERSION_LINES);
  return 0;
}

function commandHelp() {
  process.stdout.write(USAGE);
  return 0;
}

// --- run ---

async function commandRun(args) {
  const { values, rest } = parseFlags(args, {
    test: { kind: 'bool', key: 'test' },
    c: { kind: 'string', key: 'config' },
    config: { kind: 'string', key: 'config' },
    format: { kind: 'string', key: 'format' },
  });
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const file = configFileOf(values.config ?? []);
  printLines(VERSION_LINES);

  let config;
  try {
    config = JSON.parse(await readArg(file));
    validateConfig(config);
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : `failed to load config: ${messageOf(error)}`;
    process.stderr.write(`Failed to start: main: failed to load config files: [${file}] > ${reason}\n`);
    return CONFIG_ERROR_EXIT;
  }
  if (last(values.test)) {
    printLines(['Configuration OK.']);
    return 0;
  }
  return serve(config);
}

/** Xray's order: the -c files, else ./config.json, else stdin. */
function configFileOf(files) {
  if (files.length > 1) throw new UsageError('the stand-in reads a single config file (one -c)');
  if (files.length === 1) return files[0];
  const local = join(process.cwd(), 'config.json');
  return existsSync(local) ? local : 'stdin:';
}

async function serve(config) {
  const standIn = new StandIn();
  const stop = () => {
    standIn.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await standIn.start(config);
  } catch (error) {
    process.stderr.write(`Failed to start: ${messageOf(error)}\n`);
    process.exit(1);
  }
  const api = config.api ? `api on ${config.api.listen}` : 'no api';
  printLines([`Xray stand-in started: ${standIn.inboundCount} inbounds, ${api}`]);
  // Like Xray, run until a signal, even with nothing to listen on.
  setInterval(() => {}, 2 ** 30);
  return undefined;
}

// --- api ---

async function commandApi(args) {
  const [name, ...rest] = args;
  const command = API_COMMANDS[name];
  if (!command) throw new UsageError(name === undefined ? 'missing api command' : `unknown api command "${name}"`);
  return command(rest);
}

async function commandAddInbounds(args) {
  const { api, sources } = parseApiArgs(args);
  const inbounds = [];
  for (const source of sources) {
    const text = await readArg(source).catch((error) => fatal(`failed to load ${source}: ${messageOf(error)}`));
    inbounds.push(...inboundsOf(text, source));
  }
  if (inbounds.length === 0) fatal('no valid inbound found');

  // One at a time, like Xray: inbounds before a failing one stay added.
  for (const inbound of inbounds) {
    printLines([`adding: ${inbound?.tag ?? ''}`]);
    try {
      validateInbound(inbound);
    } catch (error) {
      fatal(`failed to build conf: ${messageOf(error)}`);
    }
    await callApiOrFail(api, { op: 'add', inbound }, 'failed to add inbound');
    printLines(['{}']);
  }
  return 0;
}

async function commandRemoveInbounds(args) {
  const { api, sources } = parseApiArgs(args);
  const tags = [];
  // Like Xray: an argument that reads as a file contributes its inbounds' tags, any other is a tag.
  for (const source of sources) {
    const text = await readArg(source).catch(() => undefined);
    if (text === undefined) tags.push(source);
    else tags.push(...inboundsOf(text, source).map((inbound) => inbound?.tag));
  }
  if (tags.length === 0) fatal('no inbound to remove');
  printLines([`removing inbounds: [${tags.join(' ')}]`]);

  for (const tag of tags) {
    printLines([`removing: ${tag}`]);
    await callApiOrFail(api, { op: 'remove', tag }, 'failed to remove inbound');
    printLines(['{}']);
  }
  return 0;
}

async function commandListInbounds(args) {
  const { api, sources } = parseApiArgs(args, { allowSources: false });
  if (sources.length > 0) throw new UsageError(`unexpected arguments: ${sources.join(' ')}`);
  const result = await callApiOrFail(api, { op: 'list' }, 'failed to list inbounds');
  printLines([JSON.stringify(result, null, 2)]);
  return 0;
}

function parseApiArgs(args, { allowSources = true } = {}) {
  const { values, rest } = parseFlags(args, {
    s: { kind: 'string', key: 'server' },
    server: { kind: 'string', key: 'server' },
    t: { kind: 'int', key: 'timeout' },
    timeout: { kind: 'int', key: 'timeout' },
    json: { kind: 'bool', key: 'json' },
    isOnlyTags: { kind: 'string', key: 'isOnlyTags' },
  });
  const address = last(values.server) ?? DEFAULT_API_ADDRESS;
  const deadline = Date.now() + (last(values.timeout) ?? DEFAULT_API_TIMEOUT_SECONDS) * 1000;
  let sources = rest;
  if (allowSources && sources.length === 0) {
    printLines(['reading from stdin:']);
    sources = ['stdin:'];
  }
  return { api: { address, deadline }, sources };
}

/** The inbounds of a config fragment, or a fatal "failed to decode". */
function inboundsOf(text, source) {
  let config;
  try {
    config = JSON.parse(text);
  } catch (error) {
    fatal(`failed to decode ${source}: ${messageOf(error)}`);
  }
  const inbounds = config?.inbounds ?? [];
  if (!Array.isArray(inbounds)) fatal(`failed to decode ${source}: "inbounds" must be an array`);
  return inbounds;
}

async function callApiOrFail(api, request, failure) {
  try {
    return await callApi(api, request);
  } catch (error) {
    if (error instanceof DialError) fatal(`failed to dial ${api.address}`);
    fatal(`${failure}: ${messageOf(error)}`);
  }
}

/** One request over the control protocol (see server.mjs), bounded by the command's deadline. */
async function callApi({ address, deadline }, request) {
  const socket = await dialUntil(address, deadline);
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(() => finish(new Error('context deadline exceeded')), Math.max(0, deadline - Date.now()));
    const finish = (error, reply) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else if (reply.error !== undefined) reject(new Error(reply.error));
      else resolve(reply.result);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      received += chunk;
      const newline = received.indexOf('\n');
      if (newline < 0) return;
      try {
        finish(undefined, JSON.parse(received.slice(0, newline)));
      } catch {
        finish(new Error('malformed reply from the API server'));
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('connection closed before a reply')));
    socket.write(`${JSON.stringify(request)}\n`);
  });
}

// Like a blocking gRPC dial, keep trying until the deadline: an Xray that is still starting up
// is reached, and one that is down costs the whole timeout.
async function dialUntil(address, deadline) {
  const target = parseHostPort(address);
  if (!target) throw new DialError(address);
  for (;;) {
    const socket = await tryConnect(target, deadline).catch(() => undefined);
    if (socket) return socket;
    const wait = Math.min(DIAL_RETRY_MS, deadline - Date.now());
    if (wait <= 0) throw new DialError(address);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

function tryConnect({ host, port }, deadline) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`dial ${joinHostPort(host, port)} timed out`));
    }, Math.max(0, deadline - Date.now()));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// --- shared helpers ---

/**
 * Go `flag` package rules: `-name`, `--name`, `-name=value`, `-name value` (not for bools);
 * parsing stops at the first non-flag argument or after `--`. Every value is kept, in order.
 */
function parseFlags(args, spec) {
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
    if (!flag) throw new UsageError(`flag provided but not defined: -${name}`);
    let value;
    if (equals >= 0) value = body.slice(equals + 1);
    else if (flag.kind === 'bool') value = 'true';
    else if (index + 1 < args.length) value = args[(index += 1)];
    else throw new UsageError(`flag needs an argument: -${name}`);
    (values[flag.key] ??= []).push(convertFlag(name, flag.kind, value));
  }
  return { values, rest: args.slice(index) };
}

function convertFlag(name, kind, value) {
  if (kind === 'string') return value;
  if (kind === 'int' && /^[+-]?\d+$/.test(value)) return Number(value);
  if (kind === 'bool' && ['true', '1', 't', 'TRUE', 'True', 'T'].includes(value)) return true;
  if (kind === 'bool' && ['false', '0', 'f', 'FALSE', 'False', 'F'].includes(value)) return false;
  throw new UsageError(`invalid value "${value}" for flag -${name}`);
}

/** A file path, or `stdin:` for standard input (Xray's convention). */
async function readArg(source) {
  if (source !== 'stdin:') return readFile(source, 'utf8');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function fatal(message) {
  throw new FatalError(message);
}

function last(list) {
  return list?.at(-1);
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

function printLines(lines) {
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
    else if (error instanceof FatalError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
