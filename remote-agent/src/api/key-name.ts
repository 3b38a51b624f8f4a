/**
 * The rule for key names. A name is what an admin reads in a list and what the CLI looks a key
 * up by, so it may be any printable text (any script, emoji), but nothing that is invisible or
 * that changes how the text around it is shown.
 */

export const KEY_NAME_MAX_CHARACTERS = 100;
/**
 * A bound on code points besides the one on characters, so stacked combining marks cannot make a
 * "one character" name of kilobytes. 10 per character: the longest emoji sequences (a kiss with
 * two skin tones) are 10 code points, so 100 of any emoji still fit.
 */
export const KEY_NAME_MAX_CODE_POINTS = 1000;

export const KEY_NAME_RULE =
  'name must be 1-100 characters (as a reader counts them: an emoji or a letter with its accents is one), ' +
  'any printable text; no control, bidirectional or invisible formatting characters, ' +
  'no leading or trailing space. Names are compared in NFC and without regard to case, ' +
  'so each must differ from every other key’s name on the server';

/** Which part of the rule a refused name breaks, for a face that says it in its own words. */
export type KeyNameProblem =
  | { kind: 'empty' }
  /** `count` code points, more than `max`. */
  | { kind: 'too-many-code-points'; count: number; max: number }
  /** `count` characters as a reader counts them, more than `max`. */
  | { kind: 'too-long'; count: number; max: number }
  | { kind: 'tag-outside-flag' }
  /** `codePoint` as U+XXXX. */
  | { kind: 'bidi-control'; codePoint: string }
  | { kind: 'invisible'; codePoint: string }
  | { kind: 'edge-space' };

export type KeyNameCheck = { ok: true; name: string } | { ok: false; detail: string; problem: KeyNameProblem };

const refused = (problem: KeyNameProblem, why: string): KeyNameCheck => ({ ok: false, detail: `${KEY_NAME_RULE}; ${why}`, problem });

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and the invisible marks
// (U+200E, U+200F, U+061C): they reorder what is shown around them, so one name can pose as another.
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// Control characters (C0, DEL, C1), line and paragraph separators, lone surrogates, unassigned code
// points, format characters and everything else Unicode says to draw as nothing.
const INVISIBLE = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\p{Cn}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
// Invisible but part of real text: joiners (emoji sequences, Persian, Indic scripts), variation
// selectors (❤️ versus ❤), Mongolian free variation selectors. Tags are checked apart (flags).
const NEEDED_INVISIBLE = /[\u180B-\u180F\u200C\u200D\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;
const TAG = /[\u{E0020}-\u{E007F}]/u;
// A subdivision flag: a black flag, tag letters, a cancel tag (🏴󠁧󠁢󠁳󠁣󠁴󠁿). Tags anywhere else could hide text.
const TAG_FLAG = /^\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}$/u;
const EDGE_SPACE = /^[\p{White_Space}\u200C\u200D]|[\p{White_Space}\u200C\u200D]$/u;

const codePointLabel = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Checks a proposed name and gives it back in NFC, the form it is stored and compared in. */
export function checkKeyName(proposed: string): KeyNameCheck {
  const name = proposed.normalize('NFC');
  const codePoints = [...name];
  if (codePoints.length === 0) return refused({ kind: 'empty' }, 'this one is empty');
  if (codePoints.length > KEY_NAME_MAX_CODE_POINTS) {
    return refused(
      { kind: 'too-many-code-points', count: codePoints.length, max: KEY_NAME_MAX_CODE_POINTS },
      `this one has ${codePoints.length} code points (at most ${KEY_NAME_MAX_CODE_POINTS})`,
    );
  }
  const characters = [...graphemes.segment(name)].map((part) => part.segment);
  if (characters.length > KEY_NAME_MAX_CHARACTERS) {
    return refused({ kind: 'too-long', count: characters.length, max: KEY_NAME_MAX_CHARACTERS }, `this one has ${characters.length}`);
  }
  for (const character of characters) {
    if (TAG.test(character) && !TAG_FLAG.test(character)) {
      return refused({ kind: 'tag-outside-flag' }, 'this one has an invisible tag character outside a flag');
    }
    for (const char of character) {
      if (BIDI_CONTROL.test(char)) {
        const codePoint = codePointLabel(char);
        return refused({ kind: 'bidi-control', codePoint }, `this one has the bidirectional control ${codePoint}`);
      }
      if (INVISIBLE.test(char) && !NEEDED_INVISIBLE.test(char) && !TAG.test(char)) {
        const codePoint = codePointLabel(char);
        return refused({ kind: 'invisible', codePoint }, `this one has the control or invisible character ${codePoint}`);
      }
    }
  }
  if (EDGE_SPACE.test(name)) return refused({ kind: 'edge-space' }, 'this one starts or ends with a space');
  return { ok: true, name };
}

/**
 * What two names must not share on one server: NFC without case. Upper then lower case folds
 * what lower case alone keeps apart ("STRASSE" and "straße", "ς" and "σ"). A change here changes
 * which stored names clash: the store recomputes its keys on start for exactly that reason.
 */
export function keyNameFold(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}
