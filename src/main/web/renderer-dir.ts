import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KeyportError } from '../../shared/contract/errors.ts';

const CHECKOUT_RENDERER = resolve(import.meta.dirname, '../../../out/renderer');

/** The built renderer of a source checkout, or a clear word on how to build it. */
export function checkoutRendererDir(dir: string = CHECKOUT_RENDERER): string {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new KeyportError('bad-input', `the console's pages are not built (${dir} has no index.html); run \`npm run build:console\` first`);
  }
  return dir;
}
