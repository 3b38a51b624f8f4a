import type { Server } from 'node:http';
import { hostname } from 'node:os';
import pino from 'pino';
import { loadApiKey } from './config/api-key.ts';
import { FlagError, HelpRequested, parseAgentFlags } from './config/agent-flags.ts';
import { createAgent } from './create-agent.ts';
import { agentClock } from './lib/clock.ts';
import { EXIT_START_REFUSED, StartRefusedError } from './lib/start-refused.ts';

const MIN_NODE = [22, 13];

async function main(): Promise<void> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0]! || (major === MIN_NODE[0] && minor < MIN_NODE[1]!)) {
    throw new FlagError(`the agent needs Node >= ${MIN_NODE.join('.')} (node:sqlite); this is ${process.version}`);
  }
  const flags = parseAgentFlags(process.argv.slice(2), hostname());
  // The database, its -wal and -shm, backups, logs and pid files: the owner's only, as is the data dir.
  process.umask(0o077);
  const log = pino({ level: process.env.KEYPORT_LOG_LEVEL ?? 'info' });
  const apiKey = await loadApiKey(flags.apiKeyFile);
  const agent = await createAgent(flags, apiKey, log, agentClock(process.env));
  await agent.start();
  await agent.app.listen({ host: flags.listenHost, port: flags.listenPort });
  log.info(`keyport agent listening on ${flags.listenHost}:${flags.listenPort}, data in ${flags.dataDir}`);
  if (agent.subscriptionListener && flags.subscriptions) {
    const { host, port, tls } = flags.subscriptions;
    await listenOn(agent.subscriptionListener, host, port);
    log.info(`subscriptions served on ${host}:${port} over ${tls ? 'HTTPS' : 'plain HTTP'} (GET /sub/TOKEN only)`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal}: counting the traffic since the last sampling cycle and stopping`);
    await agent.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

main().catch((error: unknown) => {
  if (error instanceof HelpRequested) {
    console.log(error.message);
    process.exit(0);
  }
  if (error instanceof FlagError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof StartRefusedError) {
    console.error(`keyport agent refuses to start: ${error.message}`);
    process.exit(EXIT_START_REFUSED);
  }
  console.error(`keyport agent failed to start: ${(error as Error).message}`);
  process.exit(1);
});
