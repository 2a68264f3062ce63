import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  ambiguousCustomerError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RejectedInputError,
} from '../errors.ts';
import { registerErrorHandling } from './errors.ts';

/** An app whose one route throws the given error, answered by the API's error handler. */
async function answerTo(error: Error) {
  const app = Fastify();
  registerErrorHandling(app);
  app.get('/throws', async () => {
    throw error;
  });
  const response = await app.inject({ method: 'GET', url: '/throws' });
  await app.close();
  return response;
}

describe('domain errors as problem+json', () => {
  it.each([
    [new InvalidInputError('Bad period', 'from and to must be ISO 8601 dates.'), 400],
    [new ForbiddenError('Not your team', 'You are not a member of "Beta".'), 403],
    [new NotFoundError('Unknown customer', 'No customer has id "x1".'), 404],
    [new ConflictError('Outcome in flight', 'Send it again in a moment.'), 409],
    [
      new RejectedInputError('Idempotency-Key reused', 'Send each new outcome with a new key.'),
      422,
    ],
  ])('answers %s with its status, title and detail', async (error, status) => {
    const response = await answerTo(error);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.json()).toEqual({
      type: `https://loopdesk.dev/problems/${status}`,
      title: error.title,
      status,
      detail: error.detail,
    });
    expect(response.headers['retry-after']).toBeUndefined();
  });

  it('lists what a rejected input got wrong, and how many problems there were in all', async () => {
    const errors = [{ line: 3, column: 'amount', message: 'is not a number' }];
    const response = await answerTo(
      new RejectedInputError('Results rejected', 'The file has problems; nothing was written.', {
        errors,
        errorCount: 120,
      }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ title: 'Results rejected', errors, errorCount: 120 });
  });

  it('names the candidates when several customers match', async () => {
    const candidates = [
      { customerId: 'c1', name: 'Ann', email: null, phone: '+15550100' },
      { customerId: 'c2', name: 'Bob', email: null, phone: '+15550100' },
    ];
    const response = await answerTo(ambiguousCustomerError(candidates));
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      type: 'https://loopdesk.dev/problems/409',
      title: 'Several customers match',
      status: 409,
      detail: '2 customers match what the page shows; pick one.',
      candidates,
    });
  });

  it('tells the caller when to ask again for a conflict that passes', async () => {
    const response = await answerTo(
      new ConflictError('Outcome in flight', 'Send it again in a moment.', {
        retryAfterSeconds: 1,
      }),
    );
    expect(response.statusCode).toBe(409);
    expect(response.headers['retry-after']).toBe('1');
  });
});
