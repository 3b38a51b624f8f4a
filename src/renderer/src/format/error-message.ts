import { isSshKeyProblem, type KeyportErrorCode } from '../../../shared/contract/errors.ts';
import { currentLanguage, t } from '../i18n/i18n.ts';
import type { Language } from '../i18n/languages.ts';
import { isKeyportErrorCode } from './error-action.ts';

type Facts = Readonly<Record<string, string | number | boolean | null>>;

/**
 * The language the core writes its messages in. In it the window shows them as they are; in any
 * other it leads with its own words for the code (and the facts that name the server), and keeps
 * the core's message as the details: a message is never parsed for its meaning.
 */
export const CORE_LANGUAGE: Language = 'en';

/**
 * What to show an admin for a failure. A call the bridge refused for its arguments (facts name the
 * call and the argument) is this page out of step with the console, not the admin's typing: say
 * so, and that reloading fixes a stale page.
 */
export function errorMessage(error: unknown): string {
  const code = errorCode(error);
  const facts = errorFacts(error) ?? {};
  if (code === 'bad-input' && typeof facts.call === 'string' && typeof facts.argument === 'number') {
    let where: string = typeof facts.argumentName === 'string' ? t('errors.argumentNamed', { argument: facts.argument, name: facts.argumentName }) : t('errors.argument', { argument: facts.argument });
    if (facts.field) where = t('errors.atField', { where, field: String(facts.field) });
    return t('errors.refusedCall', { call: facts.call, where, problem: typeof facts.problem === 'string' ? facts.problem : t('errors.doesNotMatch') });
  }
  if (code === 'key-ports-exclude-keys' && typeof facts.outside === 'number') {
    const port = (value: unknown) => String(value ?? '?');
    return t('errors.keyPortsExcludeKeys', { count: facts.outside, from: port(facts.from), to: port(facts.to), lowest: port(facts.lowestPort), highest: port(facts.highestPort) });
  }
  const words = failureWords(code, facts, error instanceof Error ? error.message : String(error));
  const hint = windowHint(code, facts);
  return hint ? t('errors.hintWithMessage', { message: words, hint }) : words;
}

/** A failure told by code, facts and the core's message (a people change's outcome, say), in the chosen language. */
export function failureWords(code: KeyportErrorCode | 'unexpected' | undefined, facts: Facts, message: string): string {
  const { summary, details } = failureParts(code, facts, message);
  return details === null ? summary : t('errors.withDetails', { summary, details });
}

/** A failure's words in two parts: the window's own, and the core's message kept as details where they differ (null where they do not). */
export interface FailureParts {
  summary: string;
  details: string | null;
}

export function failureParts(code: KeyportErrorCode | 'unexpected' | undefined, facts: Facts, message: string): FailureParts {
  if (currentLanguage() === CORE_LANGUAGE) return { summary: message, details: null };
  // Which server, and that it has no agent yet: all the core's message says.
  if (code === 'agent-not-deployed' && typeof facts.server === 'string') return { summary: failureSummary(code, facts), details: null };
  return { summary: failureSummary(code, facts), details: message };
}

/** The window's own words for a code, naming the server where the facts do. */
function failureSummary(code: KeyportErrorCode | 'unexpected' | undefined, facts: Facts): string {
  const server = typeof facts.server === 'string' ? facts.server : undefined;
  if (code === 'server-offline' && server) {
    return facts.unreachable === 'agent' ? t('errors.code.agent-offline-named', { server }) : t('errors.code.server-offline-named', { server });
  }
  if (code === 'agent-not-deployed' && server) return t('errors.code.agent-not-deployed-named', { server });
  return t(`errors.code.${code ?? 'unexpected'}`);
}

/** The core's messages name no face; these say what to do in this window (the CLI says its flags). */
function windowHint(code: KeyportErrorCode | undefined, facts: Facts): string | undefined {
  if (code === 'ssh-alias-unknown') return t('errors.aliasUnknown', { alias: String(facts.alias), configPath: String(facts.configPath ?? '~/.ssh/config') });
  if (code === 'ssh-key-unusable') return isSshKeyProblem(facts.problem) ? t(`errors.sshKey.${facts.problem}`) : undefined;
  if (code !== 'bad-input') return undefined;
  if (facts.missing === 'host') return t('errors.missingHost');
  if (facts.missing === 'credentials') return t('errors.missingCredentials');
  return undefined;
}

/** The KeyportError code of a failure, when it has one of the contract's codes. */
export function errorCode(error: unknown): KeyportErrorCode | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && isKeyportErrorCode(error.code)) return error.code;
  return undefined;
}

/** The facts of a KeyportError (say, the other key that has a name), or none. */
export function errorFacts(error: unknown): Facts | undefined {
  if (typeof error === 'object' && error !== null && 'facts' in error && typeof error.facts === 'object' && error.facts !== null) {
    return error.facts as Facts;
  }
  return undefined;
}
