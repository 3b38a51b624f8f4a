/** The vless:// links a subscription's base64 body lists, in order (none for an empty body). */
export function decodedLinks(body: string | undefined): string[] {
  return Buffer.from(body ?? '', 'base64').toString('utf8').split('\n').filter(Boolean);
}
