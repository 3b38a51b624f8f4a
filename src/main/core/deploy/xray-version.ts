import type { XrayVersionSupport } from '../../../shared/contract/api-types.ts';
import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';

/** `Xray 25.10.15 (Xray, Penetrates Everything.) ...` (what `xray version` prints) gives 25.10.15; an unexpected first line is kept whole. */
export function xrayVersionNumber(output: string): string {
  const firstLine = output.trim().split('\n')[0] ?? '';
  return /^Xray\s+v?(\S+)/.exec(firstLine)?.[1] ?? firstLine;
}

/** What a version's support means for the admin; null when there is nothing to say. */
export function xraySupportNote(support: XrayVersionSupport): DeployNote | null {
  switch (support.support) {
    case 'ok':
      return support.version === support.checked ? deployNote('xrayIsChecked', { checked: support.checked }) : null;
    case 'newer-than-checked':
      return deployNote('xrayIsNewer', { checked: support.checked });
    case 'too-old':
      return deployNote('xrayIsTooOld', { minimum: support.minimum, checked: support.checked });
    case 'unknown':
      return deployNote('xrayIsUnknown', { checked: support.checked });
  }
}
