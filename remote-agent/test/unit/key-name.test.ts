import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkKeyName, keyNameFold } from '../../src/api/key-name.ts';

const accepted = (name: string) => {
  const check = checkKeyName(name);
  assert.ok(check.ok, `${JSON.stringify(name)} refused: ${check.ok ? '' : check.detail}`);
  return check.name;
};
const refusal = (name: string) => {
  const check = checkKeyName(name);
  assert.ok(!check.ok, `${JSON.stringify(name)} accepted`);
  return check.detail;
};

describe('checkKeyName', () => {
  test('accepts printable text in any script, emoji and the punctuation of e-mail addresses', () => {
    for (const name of [
      'user@example.com',
      'Мама 📱',
      'Иван Петров',
      '田中 太郎',
      'محمد',
      'x; rm -rf / `id` $(reboot)',
      'a\u00A0b',
      '❤️ family 👨‍👩‍👧‍👦',
      'flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿',
      'می‌خواهم',
      '\uE000 private use',
    ]) {
      assert.equal(accepted(name), name.normalize('NFC'));
    }
  });

  test('counts characters as a reader does: 100 emoji of many code units each fit, 101 letters do not', () => {
    assert.ok(accepted('👨‍👩‍👧‍👦'.repeat(100)));
    assert.ok(accepted('🧑🏻‍❤️‍💋‍🧑🏼'.repeat(100)), 'the longest emoji sequence, 10 code points, 100 times');
    assert.ok(accepted('e\u0301'.repeat(100)));
    assert.ok(accepted('a'.repeat(100)));
    assert.match(refusal('a'.repeat(101)), /1-100 characters.*this one has 101/);
    assert.match(refusal('📱'.repeat(101)), /this one has 101/);
  });

  test('refuses a name of stacked combining marks beyond 1000 code points, even as one character', () => {
    assert.match(refusal(`a${'\u0301'.repeat(1001)}`), /1001 code points/);
  });

  test('gives the name back in NFC, so a decomposed é is stored as one code point', () => {
    assert.equal(accepted('Ame\u0301lie'), 'Amélie');
    assert.equal(accepted('Ame\u0301lie').length, 6);
  });

  test('refuses an empty name and a name with a leading or trailing space', () => {
    assert.match(refusal(''), /empty/);
    for (const name of [' a', 'a ', '\u00A0a', 'a\u3000', '\u200Da', 'a\u200C']) assert.match(refusal(name), /starts or ends with a space/);
  });

  test('refuses control characters: C0, DEL, C1, line and paragraph separators', () => {
    for (const char of ['\u0000', '\t', '\n', '\r', '\u001B', '\u007F', '\u0085', '\u009B', '\u2028', '\u2029']) {
      assert.match(refusal(`a${char}b`), /control or invisible character U\+/, JSON.stringify(char));
    }
  });

  test('refuses bidirectional controls: embeddings, overrides, isolates and the invisible marks', () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
      const label = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      assert.match(refusal(`a${String.fromCodePoint(code)}b`), new RegExp(`bidirectional control ${label.replace('+', '\\+')}`));
    }
  });

  test('refuses invisible characters: zero-width space, word joiner, BOM, soft hyphen, Hangul filler, stray tags, lone surrogates', () => {
    for (const char of ['\u200B', '\u2060', '\uFEFF', '\u00AD', '\u3164', '\u034F', '\uFFF9', '\uD800', '\uFFFF']) {
      assert.match(refusal(`a${char}b`), /control or invisible character U\+/, JSON.stringify(char));
    }
    assert.match(refusal('a\u{E0041}\u{E0042}b'), /tag character outside a flag/);
  });

  test('names the part of the rule a refused name breaks, with its facts, beside the words', () => {
    const problem = (name: string) => {
      const check = checkKeyName(name);
      assert.ok(!check.ok, `${JSON.stringify(name)} accepted`);
      return check.problem;
    };
    assert.deepEqual(problem(''), { kind: 'empty' });
    assert.deepEqual(problem('a'.repeat(101)), { kind: 'too-long', count: 101, max: 100 });
    assert.deepEqual(problem(`a${'\u0301'.repeat(1001)}`), { kind: 'too-many-code-points', count: 1001, max: 1000 }, 'NFC: the first mark joins its a');
    assert.deepEqual(problem('a\u{E0041}b'), { kind: 'tag-outside-flag' });
    assert.deepEqual(problem('a\u202Eb'), { kind: 'bidi-control', codePoint: 'U+202E' });
    assert.deepEqual(problem('a\u200Bb'), { kind: 'invisible', codePoint: 'U+200B' });
    assert.deepEqual(problem('a '), { kind: 'edge-space' });
  });
});

describe('keyNameFold', () => {
  test('makes names equal that differ only in case or Unicode form', () => {
    assert.equal(keyNameFold('Мама 📱'), keyNameFold('МАМА 📱'));
    assert.equal(keyNameFold('Ame\u0301lie'), keyNameFold('AMÉLIE'));
    assert.equal(keyNameFold('straße'), keyNameFold('STRASSE'));
    assert.equal(keyNameFold('User@Example.com'), keyNameFold('user@example.com'));
  });

  test('keeps different names apart', () => {
    assert.notEqual(keyNameFold('anna'), keyNameFold('anna 2'));
    assert.notEqual(keyNameFold('📱'), keyNameFold('💻'));
  });
});
