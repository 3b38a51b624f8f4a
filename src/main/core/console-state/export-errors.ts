import { KeyportError } from '../../../shared/contract/errors.ts';
import { EXPORT_VERSION } from './console-export-format.ts';

/** The file is not a whole, well-formed console export; `where` says what gave it away, `field` which field when one did. */
export function exportDamaged(file: string, where: string, field?: string): KeyportError {
  return new KeyportError('export-damaged', `${file} is not a whole Keyport console export (${where}); nothing was imported`, {
    file,
    where,
    ...(field === undefined ? {} : { field }),
  });
}

export function exportVersionUnsupported(file: string, version: number): KeyportError {
  return new KeyportError(
    'export-version-unsupported',
    `${file} is a console export of format version ${version}, and this Keyport reads version ${EXPORT_VERSION}; nothing was imported`,
    { file, version, supported: EXPORT_VERSION },
  );
}
