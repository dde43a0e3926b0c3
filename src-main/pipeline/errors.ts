// Why the pipeline refused a submission. Each carries the `{"errors": [...]}` messages;
// the server maps the class to a status. Store errors (overloaded, unavailable) are not
// wrapped: they pass through as the store threw them.
import { DomainError } from '../core/errors';

/** The body does not parse as its dialect: every problem, each as "<field path>: <message>". */
export class InvalidSubmission extends DomainError {}

/** An event's id (its `raw.id`) already belongs to another organization's event. */
export class IdConflict extends DomainError {
  constructor(readonly id: string) {
    super([`raw.id: "${id}" is already the id of another organization's event`]);
  }
}
