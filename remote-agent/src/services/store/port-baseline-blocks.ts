/**
 * The ipset counters' baselines as stored: one port_baseline_blocks row per block of 128 ports
 * (`first_port` a multiple of 128), its BLOB the block's rx values, then its tx, then its syn
 * (3 × 128 float64, little-endian; NaN where that counter has no baseline). Counters are safe
 * integers, which a float64 holds exactly. A cycle where all 10,000 ports moved writes 79 such
 * rows (0.5 ms) where a row per port took 12 ms; a block is 3 KB, within one database page.
 */

export const BLOCK_PORTS = 128;
const KINDS = 3;
const VALUES = KINDS * BLOCK_PORTS;
const BYTES = VALUES * 8;

export class PortBaselineFormatError extends Error {}

/** The first port of the block holding `port`. */
export const blockOf = (port: number): number => port - (port % BLOCK_PORTS);

/** Where a counter's value sits in its block's values: kind 0-2 (rx, tx, syn). */
export const slotOf = (port: number, kind: number): number => kind * BLOCK_PORTS + (port % BLOCK_PORTS);

/** A block with no baseline in it. */
export const emptyBlock = (): Float64Array => new Float64Array(VALUES).fill(Number.NaN);

export const isEmptyBlock = (values: Float64Array): boolean => values.every(Number.isNaN);

export function decodeBlock(data: Uint8Array): Float64Array {
  if (data.byteLength !== BYTES) throw new PortBaselineFormatError(`a port baseline block of ${data.byteLength} bytes, not ${BYTES}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const values = new Float64Array(VALUES);
  for (let slot = 0; slot < VALUES; slot += 1) values[slot] = view.getFloat64(slot * 8, true);
  return values;
}

export function encodeBlock(values: Float64Array): Uint8Array {
  const data = new Uint8Array(BYTES);
  const view = new DataView(data.buffer);
  for (let slot = 0; slot < VALUES; slot += 1) view.setFloat64(slot * 8, values[slot]!, true);
  return data;
}
