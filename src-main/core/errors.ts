// Domain errors carry the `{"errors": [...]}` messages the API answers with.
// The server maps each class to its status code; core never sees HTTP.

export class DomainError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
    this.name = new.target.name;
  }
}
/** Bad input: every problem, each as "<field path>: <message>". */
export class ValidationError extends DomainError {}
export class NotFoundError extends DomainError {}
export class ConflictError extends DomainError {}
/** A configured count limit would be exceeded. */
export class LimitError extends DomainError {}
