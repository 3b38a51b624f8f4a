import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { KeyportError } from '../../../shared/contract/errors.ts';

export interface SshAliasOptions {
  /** The config itself; without it `configPath` is read (default ~/.ssh/config, none is fine). */
  configText?: string;
  configPath?: string;
  /** The local user's home: `~`, `%d` and relative `Include` paths start there. */
  home: string;
  /** The default remote user, and `%u`. */
  localUser: string;
}

export interface ResolvedSshAlias {
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** `user@host:port` hops in order, each resolved through the config like a target; empty for none. */
  proxyJump: string[];
}

interface Collected {
  hostName?: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  proxyJump?: string[];
}

/** OpenSSH refuses deeper nesting too. */
const maxIncludeDepth = 16;

/**
 * Resolves a `Host` alias the way `ssh` reads ~/.ssh/config for the options Keyport needs. `Match`
 * blocks are skipped: their criteria (exec, canonical, final, ...) need ssh's own run-time state.
 */
export function resolveSshAlias(alias: string, options: SshAliasOptions): ResolvedSshAlias {
  const resolved = resolveOneHost(alias, options);
  return { ...resolved, proxyJump: resolved.proxyJump.map((hop) => resolveJumpHop(hop, options)) };
}

/** The config file `options` name: `configPath`, else ~/.ssh/config. */
export function sshConfigPath(options: Pick<SshAliasOptions, 'configPath' | 'home'>): string {
  return options.configPath ?? join(options.home, '.ssh', 'config');
}

/** Every `Host` line's patterns, in the order ssh reads them (Include followed); none without a config. */
function hostLinesOf(options: SshAliasOptions): string[][] {
  const configPath = sshConfigPath(options);
  const text = options.configText ?? readIfPresent(configPath);
  const hostLines: string[][] = [];
  if (text !== undefined) {
    const source = options.configText === undefined ? configPath : '(config text)';
    readConfig(text, source, { alias: '', home: options.home, collected: { identityFiles: [] }, depth: 0, neverMatch: false, hostLines });
  }
  return hostLines;
}

/**
 * The names `Host` lines give, to offer as aliases: each once, in the config's order, without
 * patterns (`*`, `?`) and negations (`!name`), which name no one host.
 */
export function sshConfigHosts(options: SshAliasOptions): string[] {
  const names = hostLinesOf(options).flat().filter((pattern) => !/[*?!]/.test(pattern));
  const seen = new Set<string>();
  return names.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}

/**
 * Whether a `Host` line names `alias`: exactly, or by a pattern such as `*.example.com`. A bare `*`
 * does not count: it matches any name, so it says nothing of whether the admin meant this alias.
 */
export function sshConfigDeclares(alias: string, options: SshAliasOptions): boolean {
  return hostLinesOf(options).some((patterns) => hostMatches(alias, patterns) && patterns.some((pattern) => pattern !== '*' && wildcardMatches(pattern, alias, 'i')));
}

/** One host's options, its ProxyJump hops as written. */
function resolveOneHost(alias: string, options: SshAliasOptions): ResolvedSshAlias {
  const collected: Collected = { identityFiles: [] };
  const configPath = sshConfigPath(options);
  const text = options.configText ?? readIfPresent(configPath);
  if (text !== undefined) {
    readConfig(text, options.configText === undefined ? configPath : '(config text)', {
      alias,
      home: options.home,
      collected,
      depth: 0,
      neverMatch: false,
    });
  }

  const hostName = collected.hostName === undefined ? alias : expandTokens(collected.hostName, { h: alias, n: alias }, 'HostName');
  const port = collected.port ?? 22;
  const user = collected.user ?? options.localUser;
  const tokens = { h: hostName, p: String(port), r: user, u: options.localUser, d: options.home, n: alias };
  const identityFiles = [
    ...new Set(collected.identityFiles.map((file) => expandTokens(expandTilde(file, options.home), tokens, 'IdentityFile'))),
  ];
  return { hostName, port, user, identityFiles, proxyJump: collected.proxyJump ?? [] };
}

/**
 * A ProxyJump hop as ssh reads it: its host may itself be a `Host` alias, whose HostName, Port and
 * User apply unless the hop names them. Returned as `user@host:port`.
 */
function resolveJumpHop(hop: string, options: SshAliasOptions): string {
  const match = /^(?:([^@\s]+)@)?([^@:\s]+|\[[^\]\s]+\])(?::(\d+))?$/.exec(hop);
  if (!match) throw new KeyportError('bad-input', `ProxyJump hop "${hop}" is not [user@]host[:port]`);
  const [, hopUser, hopHost, hopPort] = match as unknown as [string, string | undefined, string, string | undefined];
  // The hop's own ProxyJump is not followed: hops are reached in the order the target lists them.
  const alias = resolveOneHost(hopHost, options);
  return `${hopUser ?? alias.user}@${alias.hostName}:${hopPort ?? alias.port}`;
}

interface ReadState {
  alias: string;
  home: string;
  collected: Collected;
  depth: number;
  /** Set inside a file included from a block that does not apply: nothing in it may apply. */
  neverMatch: boolean;
  /** Given, every Host line's patterns are collected here (from every file, included ones too) and no option is read. */
  hostLines?: string[][];
}

function readConfig(text: string, source: string, state: ReadState): void {
  let active = !state.neverMatch;
  const lines = text.split(/\r?\n/);
  for (const [index, rawLine] of lines.entries()) {
    const where = `${source}:${index + 1}`;
    const parsed = /^\s*([^\s=#]+)\s*(?:=\s*)?(.*)$/.exec(rawLine);
    if (!parsed) continue;
    const keyword = parsed[1]!.toLowerCase();
    const args = splitArguments(parsed[2]!, where);

    if (keyword === 'host') {
      state.hostLines?.push(args);
      active = !state.neverMatch && hostMatches(state.alias, args);
      continue;
    }
    if (keyword === 'match') {
      active = false;
      continue;
    }
    if (keyword === 'include') {
      if (state.depth >= maxIncludeDepth) throw new KeyportError('bad-input', `${where}: Include nested too deeply`);
      for (const pattern of args) {
        const path = isAbsolute(expandTilde(pattern, state.home))
          ? expandTilde(pattern, state.home)
          : join(state.home, '.ssh', pattern);
        for (const file of expandGlob(path)) {
          const included = readIfPresent(file);
          if (included === undefined) continue;
          readConfig(included, file, { ...state, depth: state.depth + 1, neverMatch: state.hostLines ? false : !active });
        }
      }
      continue;
    }
    if (!active || state.hostLines) continue;
    applyOption(keyword, args, where, state.collected);
  }
}

function applyOption(keyword: string, args: string[], where: string, collected: Collected): void {
  const value = args[0];
  if (value === undefined) return;
  switch (keyword) {
    case 'hostname':
      collected.hostName ??= value;
      break;
    case 'user':
      collected.user ??= value;
      break;
    case 'port': {
      if (collected.port !== undefined) break;
      const port = Number(value);
      if (!/^\d+$/.test(value) || port < 1 || port > 65_535) {
        throw new KeyportError('bad-input', `${where}: Port must be 1-65535, not '${value}'`);
      }
      collected.port = port;
      break;
    }
    case 'identityfile':
      collected.identityFiles.push(value);
      break;
    case 'proxyjump':
      collected.proxyJump ??= value.toLowerCase() === 'none' ? [] : value.split(',').map((hop) => hop.trim()).filter(Boolean);
      break;
  }
}

/** Arguments as OpenSSH splits them: whitespace between, quotes group, backslash escapes, `#` ends the line. */
function splitArguments(text: string, where: string): string[] {
  const args: string[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /\s/.test(text[index]!)) index += 1;
    if (index >= text.length || text[index] === '#') break;
    let arg = '';
    let quote: string | undefined;
    for (; index < text.length; index += 1) {
      const char = text[index]!;
      if (quote === undefined && /\s/.test(char)) break;
      if (char === '\\' && /["'\\\s]/.test(text[index + 1] ?? '')) {
        index += 1;
        arg += text[index];
      } else if (quote === undefined && (char === '"' || char === "'")) {
        quote = char;
      } else if (char === quote) {
        quote = undefined;
      } else {
        arg += char;
      }
    }
    if (quote !== undefined) throw new KeyportError('bad-input', `${where}: unterminated quote`);
    args.push(arg);
  }
  return args;
}

function hostMatches(alias: string, patterns: string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!wildcardMatches(negated ? pattern.slice(1) : pattern, alias, 'i')) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `*` and `?` wildcards; host names compare caseless (`flags` 'i'), file names exactly. */
function wildcardMatches(pattern: string, value: string, flags = ''): boolean {
  const source = [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, `s${flags}`).test(value);
}

function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

function expandTokens(value: string, tokens: Record<string, string>, keyword: string): string {
  return value.replace(/%(.?)/g, (whole, key: string) => {
    if (key === '%') return '%';
    const replacement = tokens[key];
    if (replacement === undefined) throw new KeyportError('bad-input', `${keyword} '${value}': unknown token ${whole || '%'}`);
    return replacement;
  });
}

/** Include's glob: `*` and `?` in any path segment, no leading dot matched, sorted like glob(3). */
function expandGlob(path: string): string[] {
  const segments = path.split('/');
  let found = [segments[0] === '' ? '/' : segments[0]!];
  for (const segment of segments.slice(1)) {
    if (segment === '') continue;
    if (!/[*?]/.test(segment)) {
      found = found.map((base) => join(base, segment));
      continue;
    }
    found = found.flatMap((base) => {
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        return [];
      }
      return names
        .filter((name) => (!name.startsWith('.') || segment.startsWith('.')) && wildcardMatches(segment, name))
        .sort()
        .map((name) => join(base, name));
    });
  }
  return found;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
    throw error;
  }
}
