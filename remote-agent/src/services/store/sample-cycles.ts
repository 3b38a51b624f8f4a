/**
 * One sampling cycle's raw samples as one BLOB (a row of traffic_sample_cycles): a row per moved
 * key cost SQLite about 10 µs (a table row and two index entries), 100 ms of a cycle where 10,000
 * keys moved; one BLOB of 10,000 samples is about 250 KB written in one row.
 *
 * Layout: a format byte (1), then per sample the key id (tag 0: a lowercase UUID as its 16 bytes;
 * tag 1: a varint byte length and the id's UTF-8), then rx bytes, tx bytes and connections as
 * unsigned LEB128 varints (safe integers, up to 8 bytes each).
 */

export interface KeySample {
  keyId: string;
  rxBytes: number;
  txBytes: number;
  connections: number;
}

export class SampleFormatError extends Error {}

const FORMAT = 1;
const TAG_UUID = 0;
const TAG_TEXT = 1;
const MAX_VARINT = 8;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

const DASHES = [8, 13, 18, 23];

/** A lowercase hex digit's value, -1 for any other character code. */
const NIBBLE = Int8Array.from({ length: 128 }, (_, code) => (code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 102 ? code - 87 : -1));

/** Writes a lowercase UUID's 16 bytes at `at`; false (what was written is to be overwritten) when `id` is no such UUID. */
function writeUuid(buffer: Buffer, at: number, id: string): boolean {
  if (id.length !== 36) return false;
  for (const dash of DASHES) if (id.charCodeAt(dash) !== 45) return false;
  let index = 0;
  for (let byte = 0; byte < 16; byte += 1) {
    if (index === 8 || index === 13 || index === 18 || index === 23) index += 1;
    const high = NIBBLE[id.charCodeAt(index)] ?? -1;
    const low = NIBBLE[id.charCodeAt(index + 1)] ?? -1;
    if (high < 0 || low < 0) return false;
    buffer[at + byte] = (high << 4) | low;
    index += 2;
  }
  return true;
}

function writeVarint(buffer: Buffer, at: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`a sample holds whole non-negative counts, not ${value}`);
  let rest = value;
  while (rest >= 0x80) {
    buffer[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  buffer[at++] = rest;
  return at;
}

/** Encodes samples (each counter a safe non-negative integer) as one cycle's BLOB. */
export function encodeSamples(samples: readonly KeySample[]): Buffer {
  let capacity = 1;
  // An id of 36 characters may be a UUID (16 bytes) or text (at most 3 bytes a UTF-16 unit).
  for (const { keyId } of samples) capacity += 1 + MAX_VARINT + 3 * keyId.length + 3 * MAX_VARINT;
  const buffer = Buffer.allocUnsafe(capacity);
  let at = 0;
  buffer[at++] = FORMAT;
  for (const { keyId, rxBytes, txBytes, connections } of samples) {
    if (writeUuid(buffer, at + 1, keyId)) {
      buffer[at] = TAG_UUID;
      at += 17;
    } else {
      buffer[at++] = TAG_TEXT;
      const length = Buffer.byteLength(keyId);
      at = writeVarint(buffer, at, length);
      at += buffer.write(keyId, at, 'utf8');
    }
    at = writeVarint(buffer, at, rxBytes);
    at = writeVarint(buffer, at, txBytes);
    at = writeVarint(buffer, at, connections);
  }
  return buffer.subarray(0, at);
}

/** The samples of one cycle's BLOB, in the order written; a BLOB not in the format is an error, never a guess. */
export function decodeSamples(data: Uint8Array): KeySample[] {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes[0] !== FORMAT) throw new SampleFormatError(`a sample cycle of format ${bytes[0]}, not ${FORMAT}`);
  let at = 1;
  const need = (count: number) => {
    if (at + count > bytes.length) throw new SampleFormatError('a sample cycle cut short');
  };
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let index = 0; index < MAX_VARINT; index += 1) {
      need(1);
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new SampleFormatError('a sample count longer than 8 bytes');
  };
  const samples: KeySample[] = [];
  while (at < bytes.length) {
    const tag = bytes[at++];
    let keyId: string;
    if (tag === TAG_UUID) {
      need(16);
      let hex = '';
      for (let index = 0; index < 16; index += 1) hex += HEX[bytes[at + index]!];
      at += 16;
      keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    } else if (tag === TAG_TEXT) {
      const length = varint();
      need(length);
      keyId = bytes.toString('utf8', at, at + length);
      at += length;
    } else {
      throw new SampleFormatError(`a sample with key tag ${tag}`);
    }
    samples.push({ keyId, rxBytes: varint(), txBytes: varint(), connections: varint() });
  }
  return samples;
}
