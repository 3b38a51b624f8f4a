import { shellQuote } from '../ssh/remote-host.ts';
import { EXIT_OUTPUT_LINES } from './agent-service.ts';
import {
  AGENT_EXIT_FILE,
  AGENT_EXIT_START_REFUSED,
  AGENT_LOG_FILE,
  AGENT_PID_FILE,
  CURRENT_LINK,
  KEYPORT_ROOT,
  SUPERVISOR_PID_FILE,
  SUPERVISOR_SCRIPT,
} from './remote-layout.ts';
import { ServiceOnHost } from './service-on-host.ts';
import { stopPidFileScript } from './stop-pid-file.ts';

const SUPERVISOR = `#!/bin/sh
# Keyport agent supervisor (systemd is not PID 1 here): runs the current release, again whenever it
# exits, unless it refused to start on its data (exit ${AGENT_EXIT_START_REFUSED}): restarting cannot help that.
umask 077
echo $$ > ${SUPERVISOR_PID_FILE}
while :; do
  ${CURRENT_LINK}/run &
  echo $! > ${AGENT_PID_FILE}
  wait $!
  status=$?
  echo $status > ${AGENT_EXIT_FILE}
  if [ $status -eq ${AGENT_EXIT_START_REFUSED} ]; then
    echo "keyport-supervisor: the agent refused to start on its data (exit $status); not starting it again"
    rm -f ${AGENT_PID_FILE} ${SUPERVISOR_PID_FILE}
    exit $status
  fi
  sleep 2
done
`;

/** agent.log is cut at a (re)start only; the agent logs little at its default level. */
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * The agent under Keyport's own supervisor, for servers whose PID 1 is not systemd (containers,
 * OpenRC, these test machines). It does not survive a reboot: nothing is installed into the
 * server's init, whichever it is; the next deploy from the console starts it again.
 */
export class SupervisedService extends ServiceOnHost {
  readonly kind = 'supervised';
  async install(): Promise<void> {
    await this.host.writeFile(SUPERVISOR_SCRIPT, SUPERVISOR, 0o755);
  }

  async restart(): Promise<void> {
    await this.stop();
    const log = shellQuote(AGENT_LOG_FILE);
    const pidFile = shellQuote(SUPERVISOR_PID_FILE);
    await this.host.check(
      [
        // The agent's log and pid files: the owner's only, as the agent's own files are.
        'umask 077',
        `rm -f ${shellQuote(AGENT_EXIT_FILE)}`,
        `[ "$(stat -c %s ${log} 2>/dev/null || echo 0)" -gt ${LOG_ROTATE_BYTES} ] && mv -f ${log} ${log}.1`,
        `chmod 600 ${log} ${log}.1 2>/dev/null`,
        // setsid + nohup, all three streams away from the SSH channel: the supervisor outlives this session.
        `cd / && setsid nohup /bin/sh ${shellQuote(SUPERVISOR_SCRIPT)} >> ${log} 2>&1 < /dev/null &`,
        'waited=0',
        `while [ ! -s ${pidFile} ] && [ ! -s ${shellQuote(AGENT_EXIT_FILE)} ] && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done`,
        // A supervisor that ended already (the agent refused to start) left agent.exit: the deploy reads why.
        `[ -s ${pidFile} ] || [ -s ${shellQuote(AGENT_EXIT_FILE)} ] || { echo 'the supervisor did not start' >&2; exit 1; }`,
      ].join('\n'),
    );
  }

  async stop(): Promise<void> {
    // The supervisor first, or it would start the agent again.
    await this.host.check(
      [stopPidFileScript(SUPERVISOR_PID_FILE, SUPERVISOR_SCRIPT, 2_000), stopPidFileScript(AGENT_PID_FILE, `${KEYPORT_ROOT}/`, 10_000)].join('\n'),
    );
  }

  /** restart() removes agent.exit; the supervisor writes it at each exit of the agent. */
  async exitedSinceRestart(): Promise<boolean> {
    return (await this.exitStatus()) !== '';
  }

  protected async exitStatus(): Promise<string> {
    return (await this.host.run(`cat ${shellQuote(AGENT_EXIT_FILE)} 2>/dev/null`)).stdout.trim();
  }

  protected logTailCommand(): string {
    return `tail -n ${EXIT_OUTPUT_LINES} ${shellQuote(AGENT_LOG_FILE)} 2>/dev/null`;
  }

  async remove(): Promise<void> {
    await this.stop();
    await this.host.check(`rm -f ${shellQuote(SUPERVISOR_SCRIPT)}`);
  }
}
