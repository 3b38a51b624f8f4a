import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CommandResult, RemoteHost } from '../ssh/remote-host.ts';
import { SystemdService } from './systemd-service.ts';

/** Records what the service asks of the server; systemd cannot run on these test machines. */
function recordingHost(): { host: RemoteHost; commands: string[]; files: Map<string, { content: string; mode: number }> } {
  const commands: string[] = [];
  const files = new Map<string, { content: string; mode: number }>();
  const ok: CommandResult = { stdout: '', stderr: '', exitCode: 0 };
  const host: RemoteHost = {
    asRoot: true,
    run: async (command) => (commands.push(command), ok),
    check: async (command) => (commands.push(command), ''),
    upload: async () => assert.fail('no uploads'),
    removeStagedUploads: async () => assert.fail('no uploads'),
    writeFile: async (path, content, mode) => void files.set(path, { content: String(content), mode }),
    openStream: async () => assert.fail('no streams'),
  };
  return { host, commands, files };
}

describe('the agent as a systemd unit', () => {
  test('the unit runs the current release, restarts it always, and leaves Xray running when the agent stops', async () => {
    const { host, commands, files } = recordingHost();
    const service = new SystemdService(host);
    await service.install();
    await service.restart();

    const unit = files.get('/etc/systemd/system/keyport-agent.service');
    assert.equal(unit?.mode, 0o644);
    assert.match(unit.content, /^ExecStart=\/opt\/keyport\/current\/run$/m);
    assert.match(unit.content, /^Restart=always$/m);
    assert.match(unit.content, /^StartLimitIntervalSec=0$/m, 'systemd never gives up restarting it');
    assert.match(unit.content, /^KillMode=process$/m);
    assert.match(unit.content, /^WantedBy=multi-user.target$/m);
    assert.deepEqual(commands, ['systemctl daemon-reload && systemctl enable keyport-agent.service', 'systemctl restart keyport-agent.service']);
  });

  test('removing disables and stops the unit and deletes its file', async () => {
    const { host, commands } = recordingHost();
    await new SystemdService(host).remove();
    assert.match(commands.join('\n'), /systemctl disable --now keyport-agent.service[^]*rm -f \/etc\/systemd\/system\/keyport-agent.service[^]*systemctl daemon-reload/);
  });
});
