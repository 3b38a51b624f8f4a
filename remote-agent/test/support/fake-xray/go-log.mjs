// Go's `log` line prefix with Ldate|Ltime|Lmicroseconds ("2006/01/02 15:04:05.000000 "), which
// Xray uses for its own log (common/log/logger.go:145-178) and for main's messages (main/run.go:52).

import { appendFileSync, closeSync, openSync } from 'node:fs';

export function goLogPrefix(date = new Date()) {
  const pad = (value, size = 2) => String(value).padStart(size, '0');
  const micros = pad(date.getMilliseconds(), 3) + '000';
  return (
    `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${micros} `
  );
}

/** A log destination: 'stdout', 'stderr', a file path, or undefined for none. */
export class LogWriter {
  #target;

  constructor(target) {
    this.#target = target;
    // Like CreateFileLogWriter: the file is opened (and created, 0600) when the logger is made,
    // and an error there fails the start.
    if (target !== undefined && target !== 'stdout' && target !== 'stderr') closeSync(openSync(target, 'a', 0o600));
  }

  get enabled() {
    return this.#target !== undefined;
  }

  write(text) {
    if (this.#target === undefined) return;
    const line = `${goLogPrefix()}${text}\n`;
    if (this.#target === 'stdout') process.stdout.write(line);
    else if (this.#target === 'stderr') process.stderr.write(line);
    else appendFileSync(this.#target, line, { mode: 0o600 });
  }
}

/** Go's `%+v`-free severity names as common/log prints them in "[Warning] ...". */
export const SEVERITY = { error: 1, warning: 2, info: 3, debug: 4 };
export const SEVERITY_NAME = { 1: 'Error', 2: 'Warning', 3: 'Info', 4: 'Debug' };
