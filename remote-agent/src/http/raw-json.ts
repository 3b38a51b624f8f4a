/** JSON text written elsewhere (SQLite writes a page of daily rows far faster than JS objects are built and stringified). */
class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

// NUL cannot reach an answer's strings through the API's own checks; a clash is still caught below.
const MARK = '\u0000raw-json\u0000';
const QUOTED_MARK = JSON.stringify(MARK);

/** `text`, valid JSON of a T, standing in for a T in an answer written by writePlainJson. */
export function rawJson<T>(text: string): T {
  return new RawJson(text) as unknown as T;
}

/** JSON.stringify, with each rawJson value written as its own text. */
export function writePlainJson(value: unknown): string {
  const fragments: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof RawJson)) return item;
    fragments.push(item.text);
    return MARK;
  });
  if (fragments.length === 0) return text;
  const parts = text.split(QUOTED_MARK);
  if (parts.length !== fragments.length + 1) throw new Error('an answer held the raw-JSON mark as a string of its own');
  let written = parts[0]!;
  for (let index = 0; index < fragments.length; index += 1) written += fragments[index]! + parts[index + 1]!;
  return written;
}
