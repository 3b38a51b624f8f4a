/** A failure the client caused or can act on; the error handler sends `detail` as is. */
export class HttpError extends Error {
  readonly statusCode: number;
  /** Machine-readable facts sent beside `detail`, so a client never has to parse the sentence. */
  readonly facts: Readonly<Record<string, string | number>>;

  constructor(statusCode: number, detail: string, facts: Record<string, string | number> = {}) {
    super(detail);
    this.statusCode = statusCode;
    this.facts = facts;
  }
}

export const notFound = (detail: string) => new HttpError(404, detail);
export const badRequest = (detail: string, facts: Record<string, string | number> = {}) => new HttpError(400, detail, facts);
export const conflict = (detail: string, facts: Record<string, string | number> = {}) => new HttpError(409, detail, facts);
