import { InvalidInputError } from '../errors.ts';

export interface Period {
  from: Date;
  to: Date;
}

/** [from, to), both ISO dates or date-times; a date alone is midnight UTC. */
export function parsePeriod(input: { from: string; to: string }): Period {
  const from = new Date(input.from);
  const to = new Date(input.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new InvalidInputError('Bad period', 'from and to must be ISO 8601 dates.');
  }
  if (to <= from) {
    throw new InvalidInputError(
      'Bad period',
      `to (${input.to}) must be after from (${input.from}).`,
    );
  }
  return { from, to };
}
