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

/**
 * infra/conf/json/reader.go: drops `//`, `#` and `/* *\/` comments outside strings (keeping the
 * newlines), as DecodeJSONConfig does for local files and stdin (infra/conf/serial/loader.go:48).
 */
export function stripComments(text) {
  let out = '';
  let state = 'content';
  // The quote that opened the string being read: Xray treats '...' as it treats "...".
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

/**
 * DecodeJSONConfig (infra/conf/serial/loader.go:48-71): comments dropped, then one JSON value.
 * Node's parser wording stands in for Go's; the line and char come from the offset where the
 * text stops being JSON, counted like findOffset (loader.go:21-40).
 */
export function decodeJson(text) {
  const stripped = stripComments(text);
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
