import { useState, type FormEvent } from 'react';
import type { AddServerRequest, SshAuth } from '../../../../shared/contract/servers.ts';

type AuthMethod = SshAuth['method'];

interface AddServerFormProps {
  busy: boolean;
  onSubmit: (request: AddServerRequest) => void;
}

/** Where the server is and how to log in: typed out, or a Host alias of ~/.ssh/config. */
export function AddServerForm({ busy, onSubmit }: AddServerFormProps) {
  const [mode, setMode] = useState<'host' | 'alias'>('host');
  const [name, setName] = useState('');
  const [alias, setAlias] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('22');
  const [user, setUser] = useState('root');
  const [authMethod, setAuthMethod] = useState<AuthMethod>('key');
  const [keyPath, setKeyPath] = useState('~/.ssh/id_ed25519');
  const [secret, setSecret] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = buildRequest();
    if (typeof request === 'string') setProblem(request);
    else {
      setProblem(null);
      onSubmit(request);
    }
  };

  const buildRequest = (): AddServerRequest | string => {
    const serverName = name.trim() || (mode === 'alias' ? alias.trim() : host.trim());
    if (!serverName) return 'Give the server a name.';
    const secretPart = secret ? { secret } : {};
    if (mode === 'alias') {
      if (!alias.trim()) return 'Type the Host alias from ~/.ssh/config.';
      return { name: serverName, sshAlias: alias.trim(), ...secretPart };
    }
    const portNumber = Number(port);
    if (!host.trim()) return 'Type the server’s host name or IP address.';
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return 'The SSH port is a number from 1 to 65535.';
    if (!user.trim()) return 'Type the SSH user (root, or a user with sudo).';
    if (authMethod === 'key' && !keyPath.trim()) return 'Type the path of the private key file.';
    if (authMethod === 'password' && !secret) return 'Type the SSH password.';
    const auth: SshAuth = authMethod === 'key' ? { method: 'key', keyPath: keyPath.trim() } : { method: authMethod };
    return { name: serverName, host: host.trim(), port: portNumber, user: user.trim(), auth, ...secretPart };
  };

  return (
    <form className="form" onSubmit={submit} data-testid="add-server-form">
      <fieldset className="segmented" disabled={busy}>
        <legend className="visually-hidden">How to reach the server</legend>
        <label>
          <input type="radio" name="mode" checked={mode === 'host'} onChange={() => setMode('host')} data-testid="add-server-mode-host" />
          Host and login
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'alias'} onChange={() => setMode('alias')} data-testid="add-server-mode-alias" />
          ~/.ssh/config alias
        </label>
      </fieldset>
      <fieldset className="form-grid" disabled={busy}>
        <label>
          Name
          <input value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. frankfurt-1" data-testid="add-server-name" />
        </label>
        {mode === 'alias' ? (
          <label>
            Host alias
            <input value={alias} onChange={(event) => setAlias(event.target.value)} placeholder="Host entry of ~/.ssh/config" data-testid="add-server-alias" />
          </label>
        ) : (
          <>
            <label>
              Host
              <input value={host} onChange={(event) => setHost(event.target.value)} placeholder="203.0.113.10 or vps.example.com" data-testid="add-server-host" />
            </label>
            <label className="narrow">
              Port
              <input value={port} onChange={(event) => setPort(event.target.value)} inputMode="numeric" data-testid="add-server-port" />
            </label>
            <label className="narrow">
              User
              <input value={user} onChange={(event) => setUser(event.target.value)} data-testid="add-server-user" />
            </label>
            <label>
              Log in with
              <select value={authMethod} onChange={(event) => setAuthMethod(event.target.value as AuthMethod)} data-testid="add-server-auth">
                <option value="key">Key file</option>
                <option value="agent">ssh-agent</option>
                <option value="password">Password</option>
              </select>
            </label>
            {authMethod === 'key' && (
              <label>
                Private key file
                <input value={keyPath} onChange={(event) => setKeyPath(event.target.value)} data-testid="add-server-key-path" />
              </label>
            )}
          </>
        )}
        {(mode === 'alias' || authMethod !== 'agent') && (
          <label>
            {mode === 'host' && authMethod === 'password' ? 'Password' : 'Key passphrase or password (if needed)'}
            <input type="password" value={secret} onChange={(event) => setSecret(event.target.value)} autoComplete="off" data-testid="add-server-secret" />
          </label>
        )}
      </fieldset>
      {problem && (
        <p className="inline-error" role="alert" data-testid="add-server-form-problem">
          {problem}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="add-server-probe">
          Check host key
        </button>
      </div>
    </form>
  );
}
