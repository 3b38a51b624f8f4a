import i18next from 'i18next';
import type { DeployNote } from '../../contract/deploy-notes.ts';
import { wordDeployNotes, type FactMark } from '../deploy-note-words.ts';
import { deployNotesEn } from './en.ts';
import { deployNotesRu } from './ru.ts';

/** The languages the deploy log is written in, each one file typed against en.ts; another language falls back to English. */
export const DEPLOY_NOTE_LANGUAGES = { en: deployNotesEn, ru: deployNotesRu } as const;

const notesI18n = i18next.createInstance();
void notesI18n.init({
  resources: Object.fromEntries(Object.entries(DEPLOY_NOTE_LANGUAGES).map(([code, messages]) => [code, { translation: messages }])),
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  // Facts are paths, commands and versions: never HTML-escaped, and never split at a dot or colon.
  interpolation: { escapeValue: false },
  keySeparator: false,
  nsSeparator: false,
});

/** A deploy line's notes in `language` (a face's: `en`, `ru`, …), as one sentence. */
export function deployNoteText(notes: readonly DeployNote[], language: string, mark?: FactMark): string {
  // Untyped: each face declares its own messages as i18next's resources; these notes are typed by DeployNoteMessages.
  const t = notesI18n.getFixedT(language) as unknown as (key: string, facts: object) => string;
  return wordDeployNotes(notes, (id, facts) => t(id, facts), mark);
}

/** A run of a worded line: the language's words, or a fact (a path, command, version) as the server or the admin gave it. */
export interface NotePart {
  text: string;
  fact: boolean;
}

const FACT_START = '\u0002';
const FACT_END = '\u0003';

/** As deployNoteText, split into the words and the facts, for a face that shows facts apart (as code, say). */
export function deployNoteParts(notes: readonly DeployNote[], language: string): NotePart[] {
  const bare = (value: string | number) => String(value).replaceAll(FACT_START, '').replaceAll(FACT_END, '');
  const marked = deployNoteText(notes, language, (value, name) => (name === 'count' ? value : `${FACT_START}${bare(value)}${FACT_END}`));
  const parts: NotePart[] = [];
  for (const [index, run] of marked.split(FACT_START).entries()) {
    const [fact, words] = index === 0 ? [undefined, run] : run.split(FACT_END);
    if (fact) parts.push({ text: fact, fact: true });
    if (words) parts.push({ text: words, fact: false });
  }
  return parts;
}
