import type { ValidationIssue } from '../../nba/index.ts';
import { RejectedInputError } from '../errors.ts';

/** 422 problem+json whose detail and errors name the item (id and name) and the field. */
export function invalidCatalogue(issues: readonly ValidationIssue[]): RejectedInputError {
  return new RejectedInputError('Invalid catalogue change', issues.map((i) => i.text).join('; '), {
    errors: issues.map((issue) => ({
      path: [issue.item, issue.id ?? '(no id)', issue.path].filter(Boolean).join(' '),
      message: issue.text,
    })),
    errorCount: issues.length,
  });
}
