/** A download name made from a key's name: keeps letters, digits, dot, dash and underscore. */
export function fileNameFor(name: string, extension: string): string {
  const base = name.normalize('NFKD').replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'key';
  return `${base}.${extension}`;
}
