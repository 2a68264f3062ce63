import type { Candidate, Problem } from '../contract/index.ts';

/** Where and what in a refused input: a field's path, or a file's line and column. */
export type InputProblem = NonNullable<Problem['errors']>[number];

/**
 * What a store refuses, in domain terms. Stores and services throw these and know nothing of
 * HTTP; `http/errors.ts` is the one place that turns them into problem+json. The title is a
 * short summary people read ("Unknown team"); the detail says what to do about it.
 */
export abstract class DomainError extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The request names something that does not exist (a customer, a team, a decision). */
export class NotFoundError extends DomainError {}

/** The caller may not do this to this thing; asking again the same way will not change it. */
export class ForbiddenError extends DomainError {}

/**
 * The request clashes with the current state: several customers match, or another request
 * holds what this one needs (then `retryAfterSeconds` says when asking again may succeed).
 */
export class ConflictError extends DomainError {
  constructor(
    title: string,
    detail: string,
    readonly options: { retryAfterSeconds?: number; candidates?: Candidate[] } = {},
  ) {
    super(title, detail);
  }
}

/** A malformed parameter or field: the request itself is wrong (a period ending before it starts). */
export class InvalidInputError extends DomainError {}

/**
 * Well-formed input whose content is refused: a file with bad rows, an invalid catalogue
 * change, a reused key. `problems` names each line, column or field, `problemCount` how many
 * there were in all (the list may be cut short).
 */
export class RejectedInputError extends DomainError {
  constructor(
    title: string,
    detail: string,
    readonly problems?: { errors: InputProblem[]; errorCount: number },
  ) {
    super(title, detail);
  }
}

/** 409: several customers match what the page shows; the caller picks one of `candidates`. */
export function ambiguousCustomerError(candidates: Candidate[]): ConflictError {
  return new ConflictError(
    'Several customers match',
    `${candidates.length} customers match what the page shows; pick one.`,
    { candidates },
  );
}
