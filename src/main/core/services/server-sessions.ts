import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo, SshTarget } from '../../../shared/contract/servers.ts';
import { AgentClient } from '../agent-client/agent-client.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { apiKeyFrom } from '../deploy/agent-api-key.ts';
import { API_KEY_FILE } from '../deploy/remote-layout.ts';
import { checkPassphrase, keyNeedsPassphrase, keyUnusable, readPrivateKeyFile } from '../ssh/private-key-file.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { SshLink, type SshCredentials, type SshEndpoint } from '../ssh/ssh-link.ts';
import type { SecretVault } from './secret-vault.ts';

export interface SessionOptions {
  cache: ConsoleCache;
  vault: SecretVault;
  askSecret?: (prompt: string) => Promise<string>;
}

export interface AgentAccess {
  apiKey: string;
  apiPort: number;
  openStream: () => Promise<Duplex>;
}

interface Session {
  link: SshLink;
  apiKey?: Promise<string>;
}

/**
 * One SSH link per server, shared by every call, and the agent client that rides on it. The
 * agent's API key is read from the server over SSH when first needed and kept in memory only.
 */
export class ServerSessions {
  readonly #options: SessionOptions;
  readonly #sessions = new Map<string, Promise<Session>>();
  /** Secrets given while no keychain seals them: this process only. */
  readonly #secretsInMemory = new Map<string, string>();

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  async host(server: ServerInfo): Promise<RemoteHost> {
    return hostOf(await this.#session(server), server);
  }

  async client(server: ServerInfo): Promise<AgentClient> {
    return new AgentClient(await this.agentAccess(server));
  }

  /** The agent's API key and a way to open a stream to its loopback port, over the server's link. */
  async agentAccess(server: ServerInfo): Promise<AgentAccess> {
    if (!server.agent) {
      throw new KeyportError('agent-not-deployed', `the Keyport agent is not deployed on ${server.name} yet: deploy it first`, { server: server.name });
    }
    const session = await this.#session(server);
    const host = await hostOf(session, server);
    session.apiKey ??= host.check(`cat ${API_KEY_FILE}`).then(
      (text) => apiKeyFrom(text, server.name),
      () => {
        throw new KeyportError('agent-not-deployed', `${server.name} has no agent API key (${API_KEY_FILE}): deploy the agent again`);
      },
    );
    const apiKey = await session.apiKey.catch((error: unknown) => {
      session.apiKey = undefined;
      throw error;
    });
    const apiPort = server.agent.apiPort;
    return {
      apiKey,
      apiPort,
      openStream: async () => {
        const current = await hostOf(session, server);
        return current.openStream('127.0.0.1', apiPort).catch((error: unknown) => {
          throw new KeyportError('server-offline', `the Keyport agent on ${server.name} does not answer on port ${apiPort} (${(error as Error).message}).`, {
            server: server.name,
            unreachable: 'agent',
            apiPort,
          });
        });
      },
    };
  }

  /** Drops what was learned about a server (its API key, its connection), e.g. after a deploy. */
  async forget(serverId: string): Promise<void> {
    const session = this.#sessions.get(serverId);
    this.#sessions.delete(serverId);
    await session?.then((current) => current.link.close()).catch(() => undefined);
  }

  /** Reads the agent's API key again on the next call (a new release may bring a new one); the SSH link stays. */
  async forgetApiKey(serverId: string): Promise<void> {
    const session = await this.#sessions.get(serverId)?.catch(() => undefined);
    if (session) session.apiKey = undefined;
  }

  /** Logs in with this secret from the next connection on; the current one, if any, is dropped. */
  async useSecret(serverId: string, secret: string): Promise<void> {
    this.#secretsInMemory.set(serverId, secret);
    await this.forget(serverId);
  }

  /** Back to the stored secret (or asking), e.g. after the one given did not log in. */
  async forgetSecret(serverId: string): Promise<void> {
    this.#secretsInMemory.delete(serverId);
    await this.forget(serverId);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.keys()].map((id) => this.forget(id)));
  }

  #session(server: ServerInfo): Promise<Session> {
    let session = this.#sessions.get(server.id);
    if (!session) {
      session = this.#open(server);
      this.#sessions.set(server.id, session);
      session.catch(() => this.#sessions.delete(server.id));
    }
    return session;
  }

  /** How Keyport logs in to this server now: the secret given in this process, else the sealed one, else asked for. */
  async credentials(server: ServerInfo): Promise<SshCredentials> {
    const sealed = this.#options.cache.serverCredentials(server.id)?.sealedSecret ?? null;
    const secret = this.#secretsInMemory.get(server.id) ?? (sealed ? this.#options.vault.open(sealed) : undefined);
    return credentialsFor(server.target, secret, this.#options.askSecret, server);
  }

  async #open(server: ServerInfo): Promise<Session> {
    const stored = this.#options.cache.serverCredentials(server.id);
    const link = new SshLink({
      endpoint: endpointOf(server.target),
      jumps: jumpsOf(server.target),
      credentials: await this.credentials(server),
      trustedKeys: new Map(Object.entries(stored?.trustedKeys ?? {})),
    });
    return { link };
  }
}

/** The session's host; a host key to check names the server, so every face can offer to trust the key. */
function hostOf(session: Session, server: ServerInfo): Promise<RemoteHost> {
  return session.link.host().catch((error: unknown) => {
    if (error instanceof KeyportError && (error.code === 'host-key-changed' || error.code === 'host-key-unknown')) {
      throw new KeyportError(error.code, error.message, { ...error.facts, server: server.name, serverId: server.id });
    }
    throw error;
  });
}

export function endpointOf(target: SshTarget): SshEndpoint {
  return { host: target.host, port: target.port, user: target.user };
}

/** ProxyJump hops (`[user@]host[:port]`); a hop without a user logs in as the target's user. */
export function jumpsOf(target: SshTarget): SshEndpoint[] {
  return target.proxyJump.map((hop) => {
    const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop);
    if (!match) throw new KeyportError('bad-input', `ProxyJump hop "${hop}" is not [user@]host[:port]`);
    return { user: match[1] ?? target.user, host: match[2]!.replace(/^\[|\]$/g, ''), port: Number(match[3] ?? 22) };
  });
}

/**
 * The credentials for a target; a passphrase or password not given is asked for when needed. A key
 * file that cannot log in (missing, unreadable, no private key, a passphrase missing or wrong) is
 * `ssh-key-unusable` here, before any connection: no retry would change that.
 */
export async function credentialsFor(
  target: SshTarget,
  secret: string | undefined,
  askSecret: ((prompt: string) => Promise<string>) | undefined,
  /** The server it is for, named in a `secret-required` error; none while it is being added. */
  server?: ServerInfo,
): Promise<SshCredentials> {
  const ask = async (prompt: string, whenNone: () => KeyportError) => {
    if (secret !== undefined) return secret;
    if (askSecret) return askSecret(prompt);
    if (!server) throw whenNone();
    throw new KeyportError('secret-required', `${prompt} is needed to connect to ${server.name}, and it is not stored`, { server: server.id, prompt });
  };
  switch (target.auth.method) {
    case 'agent': {
      const agentSocket = process.env.SSH_AUTH_SOCK;
      if (!agentSocket) throw new KeyportError('auth-failed', 'ssh-agent auth was chosen but SSH_AUTH_SOCK is not set: start ssh-agent or add the server with a key file');
      return { agentSocket };
    }
    case 'password': {
      const prompt = `The SSH password of ${target.user}@${target.host}`;
      return { password: await ask(prompt, () => new KeyportError('auth-failed', `${prompt} is needed: give it with the server`)) };
    }
    case 'key': {
      const keyPath = expandHome(target.auth.keyPath);
      // A refusal names the server it was for, so every face can say which.
      const serverFacts: Record<string, string> = server ? { server: server.name } : {};
      const privateKey = readPrivateKeyFile(keyPath, serverFacts);
      if (!keyNeedsPassphrase(privateKey)) return { privateKey };
      const passphrase = await ask(`The passphrase of ${keyPath}`, () => keyUnusable('passphrase-needed', keyPath));
      checkPassphrase(privateKey, passphrase, keyPath, serverFacts);
      return { privateKey, passphrase };
    }
  }
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(process.env.HOME ?? homedir(), path.slice(1)) : path;
}
