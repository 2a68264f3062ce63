import type { ValidationIssue } from '../../nba/index.ts';
import { HttpProblem } from '../http/problem.ts';

/** 422 problem+json whose detail and errors name the item (id and name) and the field. */
export function invalidCatalogue(issues: readonly ValidationIssue[]): HttpProblem {
  return new HttpProblem(422, 'Invalid catalogue change', issues.map((i) => i.text).join('; '), {
    errors: issues.map((issue) => ({
      path: [issue.item, issue.id ?? '(no id)', issue.path].filter(Boolean).join(' '),
      message: issue.text,
    })),
    errorCount: issues.length,
  });
}
