import type { DeployNote, DeployNoteId } from '../contract/deploy-notes.ts';

/** One note's message in a face's language, its facts filled in (a face's i18next `t` under `deployNotes.`). */
export type NoteMessage = (id: DeployNoteId, facts: Readonly<Record<string, string | number>>) => string;

/** How a fact goes into its message: as it is by default; a face may mark it (a count stays a number, for plurals). */
export type FactMark = (value: string | number, name: string) => string | number;

/** Notes as a sentence: each worded, the notes among its facts first, and joined by "; ". */
export function wordDeployNotes(notes: readonly DeployNote[], message: NoteMessage, mark: FactMark = (value) => value): string {
  return notes.map((note) => wordDeployNote(note, message, mark)).join('; ');
}

function wordDeployNote(note: DeployNote, message: NoteMessage, mark: FactMark): string {
  const facts = Object.entries(note.facts as Readonly<Record<string, string | number | DeployNote | DeployNote[]>>).map(([name, value]) => {
    if (Array.isArray(value)) return [name, wordDeployNotes(value, message, mark)] as const;
    return [name, typeof value === 'object' ? wordDeployNote(value, message, mark) : mark(value, name)] as const;
  });
  return message(note.id, Object.fromEntries(facts));
}
