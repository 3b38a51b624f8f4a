import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { markCommand } from './marked-command.ts';

/** Runs a marked command as a talking login shell would: rc output before, a trap's after, on both streams. */
function runLikeTalkingShell(command: string, options: { stdin?: string; exitAfter?: number } = {}) {
  const marked = markCommand(command);
  const shell = [
    'printf "Welcome\\n  * banner line"; echo "Welcome (stderr)" >&2',
    `trap 'echo Bye; echo "Bye (stderr)" >&2${options.exitAfter === undefined ? '' : `; exit ${options.exitAfter}`}' EXIT`,
    marked.commandLine,
  ].join('\n');
  const run = spawnSync('bash', ['-c', shell], { input: options.stdin ?? '' });
  return { marked, raw: { stdout: run.stdout, stderr: run.stderr, exitCode: run.status ?? 255 } };
}

describe('markCommand: a command\'s own output, told from what the login shell prints around it', () => {
  test('stdout, stderr and the exit code are exactly the command\'s, through a real sh', () => {
    const { marked, raw } = runLikeTalkingShell('echo out; printf "no newline"; echo err >&2; exit 7');
    assert.match(raw.stdout.toString(), /^Welcome/);
    assert.deepEqual(marked.read(raw), { stdout: 'out\nno newline', stderr: 'err\n', exitCode: 7 });
  });

  test('stdin reaches the command, bytes that are not text come through as they are, empty output stays empty', () => {
    const { marked, raw } = runLikeTalkingShell('cat; printf "\\303\\251"', { stdin: 'line 1\nline 2' });
    assert.deepEqual(marked.read(raw), { stdout: 'line 1\nline 2é', stderr: '', exitCode: 0 });
    const quiet = runLikeTalkingShell('true');
    assert.deepEqual(quiet.marked.read(quiet.raw), { stdout: '', stderr: '', exitCode: 0 });
  });

  test('a shell whose trap exits otherwise does not change the command\'s exit code', () => {
    const { marked, raw } = runLikeTalkingShell('exit 0', { exitAfter: 1 });
    assert.equal(raw.exitCode, 1);
    assert.equal(marked.read(raw)?.exitCode, 0);
  });

  test('quotes, $ and newlines in the command reach sh as written; a syntax error is the command\'s own', () => {
    const { marked, raw } = runLikeTalkingShell(`x='it'"'"'s $HOME'\necho "$x"`);
    assert.deepEqual(marked.read(raw), { stdout: "it's $HOME\n", stderr: '', exitCode: 0 });
    const broken = runLikeTalkingShell('if then fi');
    const result = broken.marked.read(broken.raw)!;
    assert.equal(result.exitCode, 2);
    assert.doesNotMatch(result.stderr, /Welcome|Bye/);
  });

  test('output that shows the command line (a process list) cannot fake a marker', () => {
    const { marked, raw } = runLikeTalkingShell('cat /proc/$PPID/cmdline | tr "\\0" " "; echo; echo last');
    const result = marked.read(raw)!;
    assert.match(result.stdout, /KP%s/, 'the wrapper shows in its own command line');
    assert.match(result.stdout, /\nlast\n$/);
  });

  test('no opening marker means the command never ran; a missing closing one keeps the output and the channel\'s code', () => {
    const marked = markCommand('true', 'abc');
    assert.equal(marked.read({ stdout: Buffer.from('This account runs only the menu\n'), stderr: Buffer.alloc(0), exitCode: 0 }), undefined);
    const cut = Buffer.from('Welcome\x1eKPabc<\x1e\npartial');
    assert.deepEqual(marked.read({ stdout: cut, stderr: Buffer.from('\x1eKPabc<\x1e\nerr'), exitCode: 137 }), { stdout: 'partial', stderr: 'err', exitCode: 137 });
  });

  test('every call has a marker of its own', () => {
    assert.notEqual(markCommand('true').commandLine, markCommand('true').commandLine);
  });
});
