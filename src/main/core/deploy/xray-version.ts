/** `Xray 25.10.15 (Xray, Penetrates Everything.) ...` (what `xray version` prints) gives 25.10.15; an unexpected first line is kept whole. */
export function xrayVersionNumber(output: string): string {
  const firstLine = output.trim().split('\n')[0] ?? '';
  return /^Xray\s+v?(\S+)/.exec(firstLine)?.[1] ?? firstLine;
}
