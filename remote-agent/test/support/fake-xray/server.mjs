// The running stand-in (`xray run -c FILE`), modelled on Xray v26.7.28: an inbound manager that
// stores a handler before starting it, listeners with SO_REUSEPORT, the access and error logs, and
// a control server at api.listen standing in for the gRPC HandlerService.
//
// Data protocol on every inbound port: each `GET <n>\n` is answered with exactly n filler bytes.
//
// Control protocol (not gRPC): one TCP connection per `xray api` command. The server first sends
// a greeting line (the stand-in for gRPC's HTTP/2 handshake), then answers newline-delimited JSON
// requests in order: {"op":"add","inbound":{...}}, {"op":"remove","tag":"..."},
// {"op":"list","isOnlyTags":bool}. Replies: {"text":"...","wireSize":N} or
// {"error":{"code":"Unknown","desc":"..."}}. FAKE_XRAY_RPC_DELAY_MS (read by `run`) adds that
// many milliseconds to every call, as the cost of a real call.

import { createServer } from 'node:net';
import { GREETING } from './api-client.mjs';
import { buildInbound, splitHostPort } from './config-check.mjs';
import { LogWriter, SEVERITY_NAME } from './go-log.mjs';
import { estimateWireSize, listInboundsJson } from './list-inbounds.mjs';
import { XrayError, goError, xrayError } from './xray-errors.mjs';

const FILLER = Buffer.alloc(64 * 1024, 'x');
const MAX_GET_BYTES = 1e9;
const GET_LINE = /GET (\d+)\n/g;
// Longest text that can still become a GET line once more bytes arrive: "GET " and 10 digits.
const GET_LINE_PREFIX_MAX = 14;
const MAX_CONTROL_LINE = 64 * 1024 * 1024;
const HANDLER_SERVICE = 'xray.app.proxyman.command.HandlerService';

/**
 * core.New (core/xray.go:167-253): the log app first, then every inbound registered (not started)
 * and the outbounds. `run -test` stops here (main/run.go:82-92). Throws Xray's XrayError.
 */
export function createInstance(built, version) {
  try {
    return new Instance(built, version);
  } catch (error) {
    if (error instanceof XrayError) throw new XrayError(`main: failed to create server > ${error.message}`);
    throw error;
  }
}

/** server.Start and the wait for a signal; resolves with Xray's failure text, or undefined. */
export async function serve(instance) {
  const stop = () => {
    instance.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const failure = await instance.start();
  if (failure !== undefined) {
    instance.close();
    return failure;
  }
  // Like Xray, run until a signal, even with nothing to listen on.
  setInterval(() => {}, 2 ** 30);
  return undefined;
}

class Instance {
  #built;
  #log;
  /** Tagged handlers in insertion order (Go's map order is random; see listHandlers). */
  #tagged = new Map();
  #untagged = [];
  #managerTurn = Promise.resolve();
  #running = false;
  #sockets = new Set();
  #control;
  #rpcDelayMs;
  #version;

  constructor(built, version) {
    this.#built = built;
    this.#version = version;
    this.#log = new Log(built.log);
    this.#rpcDelayMs = Math.max(0, Number(process.env.FAKE_XRAY_RPC_DELAY_MS ?? 0) || 0);
    // core.New registers every inbound (core/xray.go:245), so -test refuses a tag used twice.
    for (const inbound of built.inbounds) this.#register(new Handler(inbound, this));
    const outboundTags = new Set();
    for (const { tag } of built.outbounds) {
      if (tag !== '' && outboundTags.has(tag)) throw xrayError('app/proxyman/outbound', `existing tag found: ${tag}`);
      outboundTags.add(tag);
    }
  }

  get log() {
    return this.#log;
  }

  get defaultOutboundTag() {
    return this.#built.outbounds[0]?.tag ?? '';
  }

  track(socket) {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
  }

  /**
   * Instance.Start (core/xray.go:387-401): the inbound manager starts every handler and stops at
   * the first failure (app/proxyman/inbound/inbound.go:108-126), then the API (app/commander).
   */
  async start() {
    this.#running = true;
    for (const handler of this.#handlers()) {
      const error = await handler.start();
      if (error) return error.message;
    }
    const api = this.#built.api;
    if (api && api.listen !== '') {
      const target = splitHostPort(api.listen);
      if (!target || !/^\d+$/.test(target.port)) {
        const error = goError(`address ${api.listen}: missing port in address`);
        this.#log.error('Error', 'app/commander', `API server failed to parse listen address ${api.listen} > ${error.message}`);
        return error.message;
      }
      this.#control = createServer((socket) => this.#serveControl(socket));
      const error = await listenOn(this.#control, target.host === '' ? '0.0.0.0' : target.host, Number(target.port));
      if (error) {
        this.#log.error('Error', 'app/commander', `API server failed to listen on ${api.listen} > ${error}`);
        return error;
      }
      this.#log.error('Info', 'app/commander', `API server listening on ${joinHostPort(target.host, Number(target.port))}`);
    }
    this.#log.error('Warning', 'core', `Xray ${this.#version} started`);
    return undefined;
  }

  close() {
    this.#running = false;
    this.#control?.close();
    for (const handler of this.#handlers()) handler.close();
    for (const socket of this.#sockets) socket.destroy();
  }

  *#handlers() {
    yield* this.#tagged.values();
    yield* this.#untagged;
  }

  /**
   * Manager.AddHandler (app/proxyman/inbound/inbound.go:39-58): the handler is stored first and
   * started after, so one whose listen fails stays registered (and listed) until removed.
   */
  async #addHandler(handler) {
    this.#register(handler);
    if (this.#running) {
      const error = await handler.start();
      if (error) throw error;
    }
  }

  #register(handler) {
    if (handler.tag !== '') {
      if (this.#tagged.has(handler.tag)) throw xrayError('app/proxyman/inbound', `existing tag found: ${handler.tag}`);
      this.#tagged.set(handler.tag, handler);
    } else {
      this.#untagged.push(handler);
    }
  }

  /** Manager.RemoveHandler (inbound.go:73-90): an unknown or empty tag is common.ErrNoClue. */
  #removeHandler(tag) {
    const handler = tag === '' ? undefined : this.#tagged.get(tag);
    if (!handler) throw xrayError('common', 'not enough information for making a decision');
    handler.close();
    this.#tagged.delete(tag);
  }

  /** ListHandlers (inbound.go:93-105): untagged first, then the tag map in Go's random order. */
  #listHandlers() {
    const tagged = [...this.#tagged.values()];
    for (let index = tagged.length - 1; index > 0; index -= 1) {
      const other = Math.floor(Math.random() * (index + 1));
      [tagged[index], tagged[other]] = [tagged[other], tagged[index]];
    }
    return [...this.#untagged, ...tagged];
  }

  #serveControl(socket) {
    this.track(socket);
    socket.write(`${GREETING}\n`);
    socket.setEncoding('utf8');
    let received = '';
    let queue = Promise.resolve();
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.length > MAX_CONTROL_LINE) socket.destroy();
      for (;;) {
        const newline = received.indexOf('\n');
        if (newline < 0) break;
        const line = received.slice(0, newline);
        received = received.slice(newline + 1);
        queue = queue.then(async () => {
          const reply = await this.#answer(line);
          if (socket.writable) socket.write(`${JSON.stringify(reply)}\n`);
        });
      }
    });
  }

  async #answer(line) {
    if (this.#rpcDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#rpcDelayMs));
    try {
      if (!this.#built.api?.handlerService) {
        return { error: { code: 'Unimplemented', desc: `unknown service ${HANDLER_SERVICE}` } };
      }
      return await this.#underManagerLock(() => this.#handle(JSON.parse(line)));
    } catch (error) {
      if (!(error instanceof XrayError)) throw error;
      // A Go error that is not a gRPC status reaches the client as code Unknown.
      return { error: { code: 'Unknown', desc: error.message } };
    }
  }

  /**
   * The inbound manager's lock (app/proxyman/inbound/inbound.go:40, 78, 94: Lock, Lock, RLock): each
   * API call is served on a goroutine of its own, but AddHandler holds the lock through the
   * handler's Start (the listen), and RemoveHandler and ListHandlers wait for it. So calls from
   * concurrent `xray api` processes take effect one at a time, never interleaved mid-listen.
   */
  #underManagerLock(work) {
    const turn = this.#managerTurn.then(work);
    this.#managerTurn = turn.catch(() => {});
    return turn;
  }

  async #handle(request) {
    switch (request?.op) {
      case 'add': {
        // core.AddInboundHandler (core/xray.go:98-112): the server builds the handler from the
        // client's already-built config; the stand-in rebuilds it from the JSON it was sent.
        const built = buildInbound(request.inbound, () => {});
        await this.#addHandler(new Handler(built, this));
        return { text: '{}\n', wireSize: 0 };
      }
      case 'remove':
        this.#removeHandler(String(request.tag ?? ''));
        return { text: '{}\n', wireSize: 0 };
      case 'list': {
        const inbounds = this.#listHandlers().map((handler) => handler.built);
        return { text: listInboundsJson(inbounds, request.isOnlyTags), wireSize: estimateWireSize(inbounds, request.isOnlyTags) };
      }
      default:
        throw xrayError('stand-in', `unknown request ${JSON.stringify(request?.op)}`);
    }
  }
}

/** An AlwaysOnInboundHandler: one TCP listener (worker) per port of its port list. */
class Handler {
  #instance;
  #servers = [];

  /** Creating the VLESS proxy fills its user validator, where an email may appear once. */
  constructor(built, instance) {
    const emails = new Set();
    for (const { email } of built.users) {
      if (email === '') continue;
      // proxy/vless/inbound/inbound.go:60-68, proxy/vless/validator.go:35-41 (case-insensitive).
      if (emails.has(email.toLowerCase())) {
        throw xrayError('proxy/vless/inbound', 'failed to initiate user', xrayError('proxy/vless', `User ${email} already exists.`));
      }
      emails.add(email.toLowerCase());
    }
    this.built = built;
    this.#instance = instance;
  }

  get tag() {
    return this.built.tag;
  }

  /** AlwaysOnInboundHandler.Start (app/proxyman/inbound/always.go:174-187), tcpWorker.Start (worker.go:134-149). */
  async start() {
    const { listen, ports } = this.built;
    // One worker per port; a unix socket listen has none, and an empty port list ("port": 0) none at all.
    const unix = listen !== undefined && (listen.startsWith('/') || listen.startsWith('@'));
    for (const port of unix ? [0] : ports) {
      const server = createServer({ allowHalfOpen: true }, (socket) => this.#serveData(socket, port));
      const reason = await listenOn(server, listen ?? '0.0.0.0', port);
      if (reason) {
        const address = joinHostPort(listen ?? '0.0.0.0', port);
        return xrayError(
          'app/proxyman/inbound',
          `failed to listen TCP on ${port}`,
          xrayError('transport/internet', `failed to listen on address: ${address}`, xrayError('transport/internet/tcp', `failed to listen TCP on ${address}`, goError(reason))),
        );
      }
      this.#servers.push(server);
    }
    return undefined;
  }

  /** Like Xray's handler Close: listeners close, established connections stay up. */
  close() {
    for (const server of this.#servers.splice(0)) server.close();
  }

  // Any `GET <n>\n` in the incoming stream is answered with exactly n filler bytes; every other
  // byte is read and dropped.
  #serveData(socket, port) {
    this.#instance.track(socket);
    this.#logAccess(socket, port);
    let carry = '';
    let sending = Promise.resolve();
    socket.on('data', (chunk) => {
      const text = carry + chunk.toString('latin1');
      let consumed = 0;
      for (const match of text.matchAll(GET_LINE)) {
        consumed = match.index + match[0].length;
        const count = Number(match[1]);
        if (count <= MAX_GET_BYTES) sending = sending.then(() => sendFiller(socket, count));
      }
      carry = text.slice(consumed).slice(-GET_LINE_PREFIX_MAX);
    });
    // The peer may half-close right after its request: finish the answer, then close our side.
    socket.on('end', () => sending.then(() => socket.end()));
  }

  /**
   * The VLESS inbound's access line (proxy/vless/inbound/inbound.go:601-607, common/log/access.go:32-59,
   * detour from app/dispatcher/default.go:488-500). The stand-in proxies nothing, so the
   * destination is the inbound's own address and the user the inbound's first client.
   */
  #logAccess(socket, port) {
    const log = this.#instance.log;
    if (!log.accessEnabled) return;
    const from = joinHostPort(socket.remoteAddress ?? '', socket.remotePort ?? 0);
    const to = `tcp:${joinHostPort(socket.localAddress ?? '', port)}`;
    const outbound = this.#instance.defaultOutboundTag;
    const detour = outbound === '' ? '' : ` [${this.tag === '' ? outbound : `${this.tag} >> ${outbound}`}]`;
    const email = this.built.users[0]?.email ?? '';
    log.access(`from ${from} accepted ${to}${detour}${email === '' ? '' : ` email: ${email}`}`);
  }
}

/** app/log: the access and error loggers of the config's `log` (infra/conf/log.go:26-65). */
class Log {
  #access;
  #error;
  #level;

  constructor({ access, error, level }) {
    try {
      this.#access = new LogWriter(access);
    } catch (cause) {
      throw xrayError('app/log', 'failed to initialize access logger', goError(`open ${access}: ${cause.code === 'EACCES' ? 'permission denied' : 'no such file or directory'}`));
    }
    try {
      this.#error = new LogWriter(error);
    } catch (cause) {
      throw xrayError('app/log', 'failed to initialize error logger', goError(`open ${error}: ${cause.code === 'EACCES' ? 'permission denied' : 'no such file or directory'}`));
    }
    this.#level = level;
  }

  get accessEnabled() {
    return this.#access.enabled;
  }

  access(text) {
    this.#access.write(text);
  }

  error(severityName, pkg, text) {
    const severity = Number(Object.entries(SEVERITY_NAME).find(([, name]) => name === severityName)?.[0] ?? 4);
    if (severity <= this.#level) this.#error.write(`[${severityName}] ${pkg}: ${text}`);
  }
}

async function sendFiller(socket, count) {
  let left = count;
  while (left > 0 && socket.writable) {
    const size = Math.min(left, FILLER.length);
    left -= size;
    if (!socket.write(size === FILLER.length ? FILLER : FILLER.subarray(0, size))) await drained(socket);
  }
}

function drained(socket) {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * Listens with SO_REUSEPORT, as every Xray listener does (transport/internet/system_listener.go:38,
 * sockopt_linux.go:241-246): a port another SO_REUSEPORT socket of this user holds is shared, and
 * the kernel splits new connections between them. Resolves with Go's error text or undefined.
 */
function listenOn(server, host, port) {
  return new Promise((resolve) => {
    const onError = (error) => {
      const reason = SYSCALL_TEXT[error.code] ?? error.message;
      resolve(`listen tcp ${joinHostPort(host, port)}: bind: ${reason}`);
    };
    server.once('error', onError);
    const options = host.startsWith('/') || host.startsWith('@') ? { path: host } : { host, port, reusePort: true };
    server.listen(options, () => {
      server.off('error', onError);
      resolve(undefined);
    });
  });
}

const SYSCALL_TEXT = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
};

export function joinHostPort(host, port) {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
