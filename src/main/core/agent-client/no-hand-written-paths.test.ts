import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../..');
// A quote or backtick opening an agent path: code, not prose.
const PATH_LITERAL = /['"`]\/api\//;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

test('no agent path is written by hand in src/: every call is derived from remote-agent/src/api', () => {
  const found = sourceFiles(SRC).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, index) => ({ line, where: `${relative(SRC, file)}:${index + 1}` }))
      .filter(({ line }) => PATH_LITERAL.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line))
      .map(({ where, line }) => `${where}: ${line.trim()}`),
  );
  assert.deepEqual(found, []);
});
