// The stand-in's fast config reader against a state-by-state transcription of Xray's
// (infra/conf/json/reader.go), as the stand-in read configs before: both must drop the same text
// and decode to the same value or the same error.
//   scripts/run-in-netns scripts/node24 --test remote-agent/test/support/fake-xray/config-load.test.ts
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

interface ConfigLoad {
  stripComments(text: string): string;
  decodeJson(text: string): unknown;
  decodeFirstValue(stripped: string): unknown;
}
const { stripComments, decodeJson, decodeFirstValue } = (await import('./config-load.mjs' as string)) as ConfigLoad;

/** reader.go's states one character at a time (the stand-in's reader before it read by index). */
function stripByState(text: string): string {
  let out = '';
  let state = 'content';
  let quote = '';
  for (const char of text) {
    switch (state) {
      case 'content':
        if (char === '"' || char === "'") {
          state = 'string';
          quote = char;
        } else if (char === '\\') state = 'escape';
        else if (char === '#') state = 'comment';
        else if (char === '/') state = 'slash';
        if (state === 'comment' || state === 'slash') continue;
        out += char;
        break;
      case 'escape':
        state = 'content';
        out += char;
        break;
      case 'string':
        if (char === quote) state = 'content';
        else if (char === '\\') state = 'stringEscape';
        out += char;
        break;
      case 'stringEscape':
        state = 'string';
        out += char;
        break;
      case 'comment':
        if (char === '\n') {
          state = 'content';
          out += '\n';
        }
        break;
      case 'slash':
        if (char === '/') state = 'comment';
        else if (char === '*') state = 'multi';
        else {
          state = 'content';
          out += `/${char}`;
        }
        break;
      case 'multi':
        if (char === '*') state = 'multiStar';
        else if (char === '\n') out += '\n';
        break;
      case 'multiStar':
        if (char === '/') state = 'content';
        else if (char === '\n') {
          state = 'multi';
          out += '\n';
        } else if (char !== '*') state = 'multi';
        break;
    }
  }
  return out;
}

/** A value, or the error's message: what a run of Xray would print. */
function outcome(decode: () => unknown): unknown {
  try {
    return { value: decode() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const TRICKY = [
  '{"a": "// not a comment", "b": "# nor this", "c": "/* nor */ this"}',
  "{'a': \"it's\", \"b\": 'say \"hi\" // still a string'}",
  '{"a": "quote \\" then // inside", "b": 1} // after',
  '{"a": 1, # comment\n "b": [1, 2, /* inline */ 3]}',
  '{"a": 1 /* two\nlines */, "b": 2}',
  '{"a": /**/ 1, "b": /***/ 2, "c": /* * / */ 3}',
  '{"a": 1} /* never closed\n\n',
  '{"a": 1} trailing text after the first value',
  '{"a": 1}{"b": 2}',
  '{"a": 1,}',
  '[1, 2, ]',
  '{"a": 1 / 2}',
  '{"a": 1}/',
  '{"a": \\"x\\"}',
  '\\# {"a": 1}',
  '{"a": "unterminated',
  "{'a': 1}",
  '{"a": "tab\there"}',
  '{"a": "\\u00e9 \\ud83d\\ude00 é 😀"}',
  '// only a comment',
  '',
  '   \n\t ',
  '{"a": 1\n, "b": \n}',
  '{"a": tru}',
  '{"a": -}',
  '{"a": 01}',
  '"just a string"',
  '42 # a number',
];

describe('stand-in config reader', () => {
  test('drops exactly what the state machine drops, on tricky inputs', () => {
    for (const text of TRICKY) assert.equal(stripComments(text), stripByState(text), JSON.stringify(text));
  });

  test('drops exactly what the state machine drops, on random mixes of the characters that matter', () => {
    const alphabet = ['"', "'", '\\', '#', '/', '*', '\n', '\r', 'a', ' ', '{', '}', ':', ',', '1', 'é', '😀'];
    let seed = 12_345;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let round = 0; round < 50_000; round += 1) {
      let text = '';
      for (let index = Math.floor(random() * 16); index > 0; index -= 1) text += alphabet[Math.floor(random() * alphabet.length)];
      assert.equal(stripComments(text), stripByState(text), JSON.stringify(text));
    }
  });

  test('decodes to the same value or the same error as the first-value scan', () => {
    for (const text of TRICKY) {
      assert.deepEqual(
        outcome(() => decodeJson(text)),
        outcome(() => decodeFirstValue(stripByState(text))),
        JSON.stringify(text),
      );
    }
  });

  test('reads a 10,000-inbound config in well under a second', () => {
    const inbounds = Array.from({ length: 10_000 }, (_, index) => ({
      tag: `key-${index}`,
      port: 20_000 + index,
      protocol: 'vless',
      settings: { clients: [{ id: '6f1b4a9e-0000-4000-8000-000000000000', flow: 'xtls-rprx-vision' }], decryption: 'none' },
      streamSettings: { network: 'tcp', security: 'reality', realitySettings: { dest: 'www.example.com:443', serverNames: ['www.example.com'], shortIds: ['', 'ab'] } },
    }));
    const text = `// written by Keyport\n${JSON.stringify({ inbounds }, null, 2)}\n`;
    const started = performance.now();
    const config = decodeJson(text) as { inbounds: unknown[] };
    const elapsedMs = performance.now() - started;
    assert.equal(config.inbounds.length, 10_000);
    assert.ok(elapsedMs < 1_000, `${elapsedMs.toFixed(0)} ms for ${(text.length / 1e6).toFixed(1)} MB`);
  });
});
