// Reading config files as Xray v26.7.28 does: the format from the extension (or -format), the
// JSON reader that drops comments, and the texts of its failures. Only JSON is parsed here.

import { readFile } from 'node:fs/promises';
import { goError, xrayError } from './xray-errors.mjs';

/** core/config.go:82-95, GetFormatByExtension: each extension Xray knows, lowercased. */
const FORMAT_OF_EXTENSION = new Map([
  ['pb', 'protobuf'],
  ['protobuf', 'protobuf'],
  ['yaml', 'yaml'],
  ['yml', 'yaml'],
  ['toml', 'toml'],
  ['json', 'json'],
  ['jsonc', 'json'],
]);

export function formatByExtension(ext) {
  return FORMAT_OF_EXTENSION.get(ext.toLowerCase()) ?? '';
}

/** core/config.go:97-107: the text after the last dot of the whole name ("" without one). */
export function formatOfFile(name) {
  const dot = name.lastIndexOf('.');
  return formatByExtension(dot < 0 ? '' : name.slice(dot + 1));
}

/**
 * main/run.go:208-214 and core/config.go:109-129: `-format` names one format for every file when
 * it is one GetFormatByExtension knows; anything else (the default "auto") means by extension,
 * with `stdin:` read as JSON. Returns the format of each file or throws Xray's error.
 */
export function formatsOf(files, formatFlag) {
  const forced = formatByExtension(formatFlag);
  return files.map((file) => {
    const format = forced !== '' ? forced : file === 'stdin:' ? 'json' : formatOfFile(file);
    if (format === '') throw xrayError('core', `Failed to get format of ${file}`);
    return format;
  });
}

const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const SLASH = 0x2f;
const STAR = 0x2a;

/**
 * infra/conf/json/reader.go: drops `//`, `#` and `/* *\/` comments outside strings (keeping the
 * newlines), as DecodeJSONConfig does for local files and stdin (infra/conf/serial/loader.go:48).
 * Xray treats '...' as it treats "..."; a backslash keeps the character after it, in strings and
 * out. One pass by index, copying the text between comments in slices: a 10 MB config is read in
 * tens of ms, as Go's reader does, where building it a character at a time took seconds.
 */
export function stripComments(text) {
  const parts = [];
  // Text from `kept` up to `at` is copied as it is; comments end a copied slice.
  let kept = 0;
  let at = 0;
  const end = text.length;
  // The next backslash at or after `at` (Infinity: none), found once and kept until passed.
  let backslash = -1;
  const nextBackslash = () => {
    const found = text.indexOf('\\', at);
    return found < 0 ? Infinity : found;
  };
  while (at < end) {
    const code = text.charCodeAt(at);
    if (code === QUOTE || code === APOSTROPHE) {
      // To the closing quote, stepping over each backslash and the character after it.
      const quote = code === QUOTE ? '"' : "'";
      at += 1;
      // The closing quote (Infinity: none), searched again only once passed, as the backslash is.
      let close = -1;
      for (;;) {
        if (backslash < at) backslash = nextBackslash();
        if (close < at) {
          const found = text.indexOf(quote, at);
          close = found < 0 ? Infinity : found;
        }
        if (close < backslash) {
          at = close + 1;
          break;
        }
        if (backslash === Infinity) {
          at = end;
          break;
        }
        at = backslash + 2;
      }
    } else if (code === BACKSLASH) {
      // Outside strings too, the character after a backslash is kept as it is.
      at += 2;
    } else if (code === HASH || (code === SLASH && text.charCodeAt(at + 1) === SLASH)) {
      parts.push(text.slice(kept, at));
      const newline = text.indexOf('\n', at);
      kept = at = newline < 0 ? end : newline;
    } else if (code === SLASH && text.charCodeAt(at + 1) === STAR) {
      parts.push(text.slice(kept, at));
      const close = text.indexOf('*/', at + 2);
      const stop = close < 0 ? end : close;
      // The comment's newlines stay, so later lines keep their numbers.
      for (let newline = text.indexOf('\n', at + 2); newline >= 0 && newline < stop; newline = text.indexOf('\n', newline + 1)) parts.push('\n');
      kept = at = close < 0 ? end : close + 2;
    } else if (code === SLASH) {
      // A lone slash at the very end is dropped; before anything else, both are kept unread.
      if (at + 1 >= end) {
        parts.push(text.slice(kept, at));
        kept = at = end;
      } else at += 2;
    } else at += 1;
  }
  parts.push(text.slice(kept, end));
  return parts.join('');
}

/**
 * DecodeJSONConfig (infra/conf/serial/loader.go:48-71): comments dropped, then one JSON value.
 * Text that is one JSON value throughout (the configs Keyport writes) decodes the same either way,
 * so only text JSON.parse refuses is scanned for where its first value ends.
 */
export function decodeJson(text) {
  const stripped = stripComments(text);
  try {
    return JSON.parse(stripped);
  } catch {
    return decodeFirstValue(stripped);
  }
}

/**
 * json.Decoder.Decode on comment-free text: its first value. Node's parser wording stands in for
 * Go's; the line and char come from the offset where the text stops being JSON, counted like
 * findOffset (loader.go:21-40).
 */
export function decodeFirstValue(stripped) {
  const scanned = scanFirstValue(stripped);
  // json.Decoder.Decode reads the first value only: whatever follows it is never looked at.
  const first = scanned.error ? stripped : stripped.slice(0, scanned.end);
  try {
    return JSON.parse(first);
  } catch (error) {
    // Running out of text is io.EOF / io.ErrUnexpectedEOF in Go: no position is given.
    if (scanned.eof) {
      const eof = stripped.trim() === '' ? 'EOF' : 'unexpected EOF';
      throw xrayError('infra/conf/serial', 'failed to read config file', goError(eof));
    }
    const offset = scanned.error ? scanned.end : first.length;
    const before = stripped.slice(0, offset);
    const line = before.split('\n').length;
    const char = before.length - before.lastIndexOf('\n') - 1;
    throw xrayError('infra/conf/serial', `failed to read config file at line ${line} char ${char}`, goError(error.message));
  }
}

/** Where the first JSON value of `text` ends, or how far a decoder reads before an error. */
function scanFirstValue(text) {
  let at = 0;
  // Reads one character; an error names the offset after it, or the end of the text.
  const take = () => {
    if (at >= text.length) throw { end: text.length, eof: true };
    return text[at++];
  };
  const fail = () => {
    throw { end: at, eof: false };
  };
  const space = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at])) at += 1;
  };
  const literal = (word) => {
    for (const char of word) if (take() !== char) fail();
  };
  const string = () => {
    take();
    for (;;) {
      const char = take();
      if (char === '"') return;
      if (char === '\\') take();
      else if (char < ' ') fail();
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) {
      take();
      fail();
    }
    at += match[0].length;
  };
  const members = (close, member) => {
    take();
    space();
    if (text[at] === close) return void take();
    for (;;) {
      member();
      space();
      const next = take();
      if (next === close) return;
      if (next !== ',') fail();
    }
  };
  const value = () => {
    space();
    const char = text[at];
    if (char === '{') {
      return members('}', () => {
        space();
        if (text[at] !== '"') {
          take();
          fail();
        }
        string();
        space();
        if (take() !== ':') fail();
        value();
      });
    }
    if (char === '[') return members(']', value);
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    number();
  };
  try {
    value();
    return { end: at, error: false, eof: false };
  } catch (stop) {
    if (typeof stop?.end !== 'number') throw stop;
    return { end: stop.end, error: true, eof: stop.eof };
  }
}

/** A file, or `stdin:` (main/confloader/external/external.go:20-40). */
export async function readSource(source) {
  if (source !== 'stdin:') return readFile(source, 'utf8');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Go's text for a failed os.ReadFile: "open PATH: no such file or directory". */
export function readErrorText(path, error) {
  const reason = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
  }[error?.code];
  if (error?.code === 'EISDIR') return `read ${path}: is a directory`;
  return `open ${path}: ${reason ?? error?.message ?? String(error)}`;
}

/**
 * mergeConfigs (infra/conf/serial/builder.go:36-59) for one JSON file: the whole config object,
 * or Xray's error. Formats other than JSON fail here: the stand-in parses JSON only.
 */
export async function loadConfigFile(file, format) {
  const source = `&{Name:${file} Format:${format}}`;
  if (format !== 'json') {
    throw xrayError('infra/conf/serial', `failed to decode config: ${source}`, goError(`the Keyport stand-in reads JSON only, not ${format}`));
  }
  let text;
  try {
    text = await readSource(file);
  } catch (error) {
    throw xrayError('infra/conf/serial', `failed to read config: ${source}`, goError(readErrorText(file, error)));
  }
  try {
    return decodeJson(text);
  } catch (error) {
    throw xrayError('infra/conf/serial', `failed to decode config: ${source}`, error);
  }
}
