import { disposableSuiteFixture } from '../../../test-support/suite-fixture.ts';
import { AgentProcess, type AgentOptions } from './agent-process.ts';
import { removeAgentChains } from './firewall.ts';

/** An agent the tests of one describe block share, started on fresh firewall chains (see disposableSuiteFixture). */
export const suiteAgent = (options?: AgentOptions, cleanUp?: () => unknown): (() => AgentProcess) =>
  disposableSuiteFixture(async () => {
    removeAgentChains();
    return AgentProcess.start(options);
  }, cleanUp);
