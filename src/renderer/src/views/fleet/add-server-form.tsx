import { useState, type FormEvent } from 'react';
import type { AddServerRequest, SshAuth } from '../../../../shared/contract/servers.ts';
import { useTranslation } from 'react-i18next';

type AuthMethod = SshAuth['method'];

interface AddServerFormProps {
  busy: boolean;
  /** The Host names of ~/.ssh/config, offered in the alias field. */
  sshHosts: readonly string[];
  onSubmit: (request: AddServerRequest) => void;
}

/** Where the server is and how to log in: typed out, or a Host alias of ~/.ssh/config. */
export function AddServerForm({ busy, sshHosts, onSubmit }: AddServerFormProps) {
  const { t } = useTranslation();
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
    if (!serverName) return t('addServer.problem.name');
    const secretPart = secret ? { secret } : {};
    if (mode === 'alias') {
      if (!alias.trim()) return t('addServer.problem.alias');
      return { name: serverName, sshAlias: alias.trim(), ...secretPart };
    }
    const portNumber = Number(port);
    if (!host.trim()) return t('addServer.problem.host');
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return t('addServer.problem.port');
    if (!user.trim()) return t('addServer.problem.user');
    if (authMethod === 'key' && !keyPath.trim()) return t('addServer.problem.keyPath');
    if (authMethod === 'password' && !secret) return t('addServer.problem.password');
    const auth: SshAuth = authMethod === 'key' ? { method: 'key', keyPath: keyPath.trim() } : { method: authMethod };
    return { name: serverName, host: host.trim(), port: portNumber, user: user.trim(), auth, ...secretPart };
  };

  return (
    <form className="form" onSubmit={submit} data-testid="add-server-form">
      <fieldset className="segmented" disabled={busy}>
        <legend className="visually-hidden">{t('addServer.how')}</legend>
        <label>
          <input type="radio" name="mode" checked={mode === 'host'} onChange={() => setMode('host')} data-testid="add-server-mode-host" />
          {t('addServer.modeHost')}
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'alias'} onChange={() => setMode('alias')} data-testid="add-server-mode-alias" />
          {t('addServer.modeAlias')}
        </label>
      </fieldset>
      <fieldset className="form-grid" disabled={busy}>
        <label>
          {t('addServer.name')}
          <input value={name} onChange={(event) => setName(event.target.value)} placeholder={t('addServer.namePlaceholder')} data-testid="add-server-name" />
        </label>
        {mode === 'alias' ? (
          <label>
            {t('addServer.alias')}
            <input
              value={alias}
              onChange={(event) => setAlias(event.target.value)}
              placeholder={t('addServer.aliasPlaceholder')}
              list="add-server-ssh-hosts"
              autoComplete="off"
              data-testid="add-server-alias"
            />
            <datalist id="add-server-ssh-hosts" data-testid="add-server-ssh-hosts">
              {sshHosts.map((host) => (
                <option key={host} value={host} />
              ))}
            </datalist>
          </label>
        ) : (
          <>
            <label>
              {t('addServer.host')}
              <input value={host} onChange={(event) => setHost(event.target.value)} placeholder={t('addServer.hostPlaceholder')} data-testid="add-server-host" />
            </label>
            <label className="narrow">
              {t('addServer.port')}
              <input value={port} onChange={(event) => setPort(event.target.value)} inputMode="numeric" data-testid="add-server-port" />
            </label>
            <label className="narrow">
              {t('addServer.user')}
              <input value={user} onChange={(event) => setUser(event.target.value)} data-testid="add-server-user" />
            </label>
            <label>
              {t('addServer.logInWith')}
              <select value={authMethod} onChange={(event) => setAuthMethod(event.target.value as AuthMethod)} data-testid="add-server-auth">
                <option value="key">{t('addServer.authKey')}</option>
                <option value="agent">{t('addServer.authAgent')}</option>
                <option value="password">{t('addServer.authPassword')}</option>
              </select>
            </label>
            {authMethod === 'key' && (
              <label>
                {t('addServer.keyFile')}
                <input value={keyPath} onChange={(event) => setKeyPath(event.target.value)} data-testid="add-server-key-path" />
              </label>
            )}
          </>
        )}
        {(mode === 'alias' || authMethod !== 'agent') && (
          <label>
            {mode === 'host' && authMethod === 'password' ? t('addServer.password') : t('addServer.secret')}
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
          {t('addServer.checkHostKey')}
        </button>
      </div>
    </form>
  );
}
