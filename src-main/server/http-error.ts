// An HTTP answer with the one error shape: {"errors": [...]}.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.join('; '));
    this.name = 'HttpError';
  }
}
