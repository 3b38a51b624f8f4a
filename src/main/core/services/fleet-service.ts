import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { keyLimitCounts } from '../../../shared/key-limits/key-limit-status.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import type { PortCheck } from '../../../shared/contract/server-health.ts';
import type { AddServerRequest, HostKeyProbe, PortRange, ServerInfo, ServerStatus, SshAuth, SshTarget } from '../../../shared/contract/servers.ts';
import type { Fleet } from '../../../shared/contract/services.ts';
import type { AgentClient } from '../agent-client/agent-client.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { xrayVersionNumber } from '../deploy/xray-version.ts';
import { PortChecker } from '../health/port-checker.ts';
import { serverProblems } from '../health/server-problems.ts';
import { xrayHealthOf } from '../health/xray-health.ts';
import { checkSshTarget } from '../ssh/check-ssh-target.ts';
import { resolveSshAlias, sshConfigDeclares, sshConfigHosts, sshConfigPath } from '../ssh/ssh-config.ts';
import { readPrivateKeyFile } from '../ssh/private-key-file.ts';
import { probeHostKey, SshLink, type SshEndpoint } from '../ssh/ssh-link.ts';
import type { SecretVault } from './secret-vault.ts';
import { trustHostKey } from './host-key-trust.ts';
import { ServerCalls } from './server-calls.ts';
import { findServer } from './server-directory.ts';
import { credentialsFor, endpointOf, expandHome, jumpsOf, type ServerSessions } from './server-sessions.ts';

/** What a server may be called. */
export const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export interface FleetOptions {
  cache: ConsoleCache;
  sessions: ServerSessions;
  vault: SecretVault;
  askSecret?: (prompt: string) => Promise<string>;
  /** Refreshes one server's cache (cache-sync's syncServer over this core's services). */
  sync: (server: string) => Promise<void>;
  /** The release this console would deploy now, to tell an outdated agent; null when it cannot tell. */
  deployableRelease: () => Promise<string | null>;
  /** Connects to key ports from this machine; one with the usual timeout and cache unless given. */
  portChecker?: PortChecker;
  /** The clock keys' expiry is judged by (epoch ms). */
  now?: () => number;
}

export class FleetService implements Fleet {
  readonly #options: FleetOptions;
  readonly #portChecker: PortChecker;
  readonly #calls: ServerCalls;
  readonly #now: () => number;

  constructor(options: FleetOptions) {
    this.#now = options.now ?? Date.now;
    this.#options = options;
    this.#portChecker = options.portChecker ?? new PortChecker();
    this.#calls = new ServerCalls(options.cache, options.sessions);
  }

  async list(): Promise<ServerInfo[]> {
    return this.#options.cache.listServers();
  }

  async sshConfigHosts(): Promise<string[]> {
    return sshConfigHosts({ home: sshHome(), localUser: userInfo().username });
  }

  /**
   * Connects far enough to see the server's host key (and its jump hosts', which must already be
   * reachable with the same login), so the admin can compare fingerprints before adding it.
   */
  async probeHostKey(target: SshTarget | { sshAlias: string }): Promise<HostKeyProbe> {
    const resolved = 'sshAlias' in target ? resolveTarget({ name: 'probe', sshAlias: target.sshAlias }) : target;
    checkSshTarget(resolved);
    // Seeing the host key takes no login, but a key file that could never log in is said now, not after accepting it.
    if (resolved.auth.method === 'key') readPrivateKeyFile(expandHome(resolved.auth.keyPath));
    const jumps = jumpsOf(resolved);
    const trustedKeys = new Map<string, string>();
    const credentials = jumps.length ? await credentialsFor(resolved, undefined, this.#options.askSecret) : undefined;
    const seenJumps: HostKeyProbe['jumps'] = [];
    for (const [index, hop] of jumps.entries()) {
      // Probing the next hop logs in to this one; it is trusted for that probe only, and the
      // admin accepts every hop's key along with the target's.
      const probe = await probeHostKey(hop, { jumps: jumps.slice(0, index), credentials, trustedKeys });
      trustedKeys.set(endpointName(hop), probe.fingerprint);
      seenJumps.push({ endpoint: endpointName(hop), ...probe });
    }
    const probe = await probeHostKey(endpointOf(resolved), { jumps, credentials, trustedKeys });
    return { ...probe, jumps: seenJumps };
  }

  /** Adds a server after logging in once with the accepted host key; nothing is saved if that fails. */
  async add(request: AddServerRequest): Promise<ServerInfo> {
    const { cache, vault } = this.#options;
    if (!SERVER_NAME.test(request.name)) {
      throw new KeyportError('bad-input', 'a server name is 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit');
    }
    if (cache.findServer(request.name)) throw new KeyportError('bad-input', `a server named "${request.name}" exists already`);
    if (!request.acceptedFingerprint) {
      const probe = await this.probeHostKey(request.sshAlias ? { sshAlias: request.sshAlias } : resolveTarget(request));
      throw new KeyportError('host-key-unknown', `the host key of ${request.name} is ${probe.keyType} ${probe.fingerprint}; accept it to add the server`, {
        fingerprint: probe.fingerprint,
      });
    }
    const target = resolveTarget(request);
    const trustedKeys = new Map([[endpointName(endpointOf(target)), request.acceptedFingerprint]]);
    const jumps = jumpsOf(target);
    for (const hop of jumps) {
      const accepted = request.acceptedJumpFingerprints?.[endpointName(hop)];
      if (!accepted) {
        throw new KeyportError('host-key-unknown', `the host key of the jump host ${endpointName(hop)} was not accepted`, { endpoint: endpointName(hop) });
      }
      trustedKeys.set(endpointName(hop), accepted);
    }
    const link = new SshLink({
      endpoint: endpointOf(target),
      jumps,
      credentials: await credentialsFor(target, request.secret, this.#options.askSecret),
      trustedKeys,
    });
    try {
      await (await link.host()).check('true');
    } finally {
      await link.close();
    }
    const server: ServerInfo = {
      id: randomUUID(),
      name: request.name,
      target,
      sshAlias: request.sshAlias ?? null,
      hostKeyFingerprint: request.acceptedFingerprint,
      addedAt: new Date().toISOString(),
      agent: null,
      lastSyncedAt: null,
    };
    const sealedSecret = request.secret !== undefined && vault.available ? vault.seal(request.secret) : null;
    cache.saveServer(server, { sealedSecret, trustedKeys: Object.fromEntries(trustedKeys) });
    if (request.secret !== undefined && !sealedSecret) await this.#options.sessions.useSecret(server.id, request.secret);
    return server;
  }

  async remove(serverName: string): Promise<void> {
    const server = findServer(this.#options.cache, serverName);
    await this.#options.sessions.forget(server.id);
    this.#portChecker.forget(server.id);
    this.#options.cache.removeServer(server.id);
  }

  async provideSecret(serverName: string, secret: string): Promise<void> {
    const { cache, vault, sessions } = this.#options;
    const server = findServer(cache, serverName);
    if (typeof secret !== 'string' || secret.length === 0) throw new KeyportError('bad-input', 'an empty password or passphrase was given');
    await sessions.useSecret(server.id, secret);
    try {
      await sessions.host(server);
    } catch (error) {
      // Offline, it cannot be checked now: it is kept for when the server answers.
      if (!(error instanceof KeyportError) || error.code !== 'server-offline') {
        await sessions.forgetSecret(server.id);
        throw error;
      }
    }
    if (vault.available) cache.saveServer(server, { sealedSecret: vault.seal(secret) });
  }

  trustHostKey(serverName: string, fingerprint: string): Promise<ServerInfo> {
    return trustHostKey(this.#options, serverName, fingerprint);
  }

  sync(serverName: string): Promise<void> {
    return this.#options.sync(serverName);
  }

  async status(serverName: string): Promise<ServerStatus> {
    const server = findServer(this.#options.cache, serverName);
    const deployable = server.agent ? await this.#options.deployableRelease() : null;
    const status: ServerStatus = {
      server,
      state: 'online',
      reason: null,
      agentVersion: server.agent?.version ?? null,
      agentOutdated: deployable !== null && server.agent !== null && server.agent.release !== deployable,
      xrayVersion: null,
      xrayVersionSupport: null,
      keyCount: null,
      activeKeyCount: null,
      keyLimits: null,
      xray: null,
      portCheck: null,
      problems: [],
    };
    const cachedKeys = this.#options.cache.listKeys(server.id);
    try {
      if (!server.agent) {
        await this.#options.sessions.host(server);
        return { ...status, state: 'not-deployed', reason: 'the Keyport agent is not deployed yet: deploy it to manage keys' };
      }
      const client = await this.#options.sessions.client(server);
      const [config, keys] = await Promise.all([client.getConfigStatus(), client.listKeys()]);
      this.#options.cache.replaceKeys(server.id, keys, new Date().toISOString());
      const xray = xrayHealthOf(config.data);
      // Only an Xray that serves the keys answers on their ports; until then its problem is the one to show.
      const portCheck = xray.state === 'ok' && keys.some(isServed) ? await this.#recentPortCheck(server, client, keys) : null;
      return {
        ...status,
        xrayVersion: config.data.xray.binary.version === null ? null : xrayVersionNumber(config.data.xray.binary.version),
        // An agent older than this field says nothing: null, as when it was not asked.
        xrayVersionSupport: config.data.xray.binary.version_support ?? null,
        keyCount: keys.length,
        activeKeyCount: keys.filter((key) => key.is_active).length,
        keyLimits: keyLimitCounts(keys, this.#now()),
        xray,
        portCheck,
        problems: serverProblems(xray, portCheck, new Map(keys.map((key) => [key.id, key.name]))),
      };
    } catch (error) {
      if (error instanceof KeyportError && (error.code === 'host-key-changed' || error.code === 'host-key-unknown')) {
        const { endpoint, expected, presented, fingerprint, keyType } = error.facts;
        const changed = error.code === 'host-key-changed';
        return {
          ...status,
          state: error.code,
          reason: error.message,
          hostKeyChange: {
            endpoint: String(endpoint),
            accepted: changed ? String(expected) : null,
            presented: String(changed ? presented : fingerprint),
            keyType: String(keyType),
          },
          keyCount: cachedKeys?.keys.length ?? null,
          activeKeyCount: cachedKeys ? cachedKeys.keys.filter((key) => key.is_active).length : null,
          keyLimits: cachedKeys ? keyLimitCounts(cachedKeys.keys, this.#now()) : null,
        };
      }
      if (!(error instanceof KeyportError) || error.code !== 'server-offline') throw error;
      const agentDown = error.facts.unreachable === 'agent';
      const { retryInMs } = error.facts;
      return {
        ...status,
        state: agentDown ? 'agent-down' : 'offline',
        reason: error.message,
        ...(typeof retryInMs === 'number' ? { retryInMs } : {}),
        keyCount: cachedKeys?.keys.length ?? null,
        activeKeyCount: cachedKeys ? cachedKeys.keys.filter((key) => key.is_active).length : null,
        keyLimits: cachedKeys ? keyLimitCounts(cachedKeys.keys, this.#now()) : null,
      };
    }
  }

  checkPorts(serverName: string): Promise<PortCheck> {
    return this.#calls.check(serverName, async (client, server) => this.#checkPorts(server, client, await client.listKeys()));
  }

  /** The last check while it is fresh, else a new one; a check the agent could not help with is left out of the status. */
  async #recentPortCheck(server: ServerInfo, client: AgentClient, keys: ApiKey[]): Promise<PortCheck | null> {
    const recent = this.#portChecker.recent(server.id);
    if (recent) return recent;
    try {
      return await this.#checkPorts(server, client, keys);
    } catch (error) {
      if (error instanceof KeyportError && error.code !== 'server-offline') return null;
      throw error;
    }
  }

  /** Tries the first active key's port on the host its link names: that link is what users get. */
  async #checkPorts(server: ServerInfo, client: AgentClient, keys: ApiKey[]): Promise<PortCheck> {
    const key = keys.find(isServed);
    if (!key) {
      throw new KeyportError('not-found', `${server.name} has no active key whose port could be checked: create or enable one first`, { server: server.name });
    }
    const [config, keyPorts] = await Promise.all([client.getKeyConfig(key.id), keyPortsOf(server, client)]);
    return this.#portChecker.check(server.id, { host: linkHost(config.vless_url) ?? server.target.host, port: key.port, keyName: key.name, keyPorts });
  }
}

/** A key whose inbound the agent serves: enabled, and not stopped by its quota or expiry. */
function isServed(key: ApiKey): boolean {
  return key.is_active && key.status !== 'limited' && key.status !== 'expired';
}

/** The deploy record's key port range, or the agent's own for records made before deploy kept it. */
async function keyPortsOf(server: ServerInfo, client: AgentClient): Promise<PortRange | null> {
  if (server.agent?.keyPorts) return server.agent.keyPorts;
  try {
    const { range } = (await client.getPorts()).data;
    return { from: range.from, to: range.to };
  } catch (error) {
    if (error instanceof KeyportError) return null;
    throw error;
  }
}

/** The host of a vless:// link, without an IPv6 address's brackets; null if the link does not parse. */
function linkHost(vlessUrl: string): string | null {
  try {
    const host = new URL(vlessUrl).hostname;
    return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host || null;
  } catch {
    return null;
  }
}

function endpointName(endpoint: SshEndpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}

/** The target of an add request: a ~/.ssh/config alias with explicit fields on top, or the fields alone. */
function resolveTarget(request: AddServerRequest): SshTarget {
  const home = sshHome();
  const localUser = userInfo().username;
  if (request.sshAlias) checkAliasDeclared(request.sshAlias, home);
  const alias = request.sshAlias ? resolveSshAlias(request.sshAlias, { home, localUser }) : undefined;
  const host = request.host ?? alias?.hostName;
  if (!host) throw new KeyportError('bad-input', 'a server needs a host name or an ssh config alias', { missing: 'host' });
  const address = { host, port: request.port ?? alias?.port ?? 22, user: request.user ?? alias?.user ?? 'root' };
  checkSshTarget(address);
  return { ...address, auth: request.auth ?? defaultAuth(alias?.identityFiles ?? [], home), proxyJump: alias?.proxyJump ?? [] };
}

/** The home whose ~/.ssh/config names aliases: $HOME as ssh reads it, else the account's. */
function sshHome(): string {
  return process.env.HOME ?? homedir();
}

/**
 * An alias is a name the admin gave a `Host` line: one no line names would fall through to ssh's
 * defaults and be looked up as a host name, failing somewhere further off for a typo.
 */
function checkAliasDeclared(alias: string, home: string): void {
  const configFile = sshConfigPath({ home });
  if (sshConfigDeclares(alias, { home, localUser: '' })) return;
  const configPath = configFile === join(home, '.ssh', 'config') ? '~/.ssh/config' : configFile;
  throw new KeyportError('ssh-alias-unknown', `no Host ${alias} in ${configPath}`, { alias, configPath, configFound: existsSync(configFile) });
}

/** Like ssh: the alias's IdentityFile, else ssh-agent when running, else the usual key files. */
function defaultAuth(identityFiles: string[], home: string): SshAuth {
  const identity = identityFiles.map(expandHome).find((file) => existsSync(file));
  if (identity) return { method: 'key', keyPath: identity };
  if (process.env.SSH_AUTH_SOCK) return { method: 'agent' };
  const usual = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(home, '.ssh', name)).find((file) => existsSync(file));
  if (usual) return { method: 'key', keyPath: usual };
  throw new KeyportError('bad-input', 'no way to log in: no credentials given, no key file found, no ssh-agent running', { missing: 'credentials' });
}
