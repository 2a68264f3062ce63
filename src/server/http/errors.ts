import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Problem } from '../../contract/index.ts';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RejectedInputError,
} from '../errors.ts';
import { HttpProblem, problemContentType, problemType, statusTitle } from './problem.ts';

/** The status each kind of domain error answers with. */
function domainStatus(error: DomainError): number {
  if (error instanceof InvalidInputError) return 400;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof RejectedInputError) return 422;
  return 500;
}

/** A store's refusal as problem+json: its title and detail, and what names the cause. */
function domainProblem(error: DomainError): Problem {
  const extra: Partial<Pick<Problem, 'errors' | 'errorCount' | 'candidates'>> = {};
  if (error instanceof RejectedInputError && error.problems) {
    extra.errors = error.problems.errors;
    extra.errorCount = error.problems.errorCount;
  }
  if (error instanceof ConflictError && error.options.candidates) {
    extra.candidates = error.options.candidates;
  }
  return new HttpProblem(domainStatus(error), error.title, error.detail, extra).toProblem();
}

/**
 * Fastify's `frameworkErrors`: a URL the router cannot even read (bad percent-encoding, an
 * overlong parameter) is refused before any hook runs; it still answers in the API's one
 * error format.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 400;
  const problem = new HttpProblem(status, statusTitle(status), error.message);
  void reply.code(status).type(problemContentType).send(problem.toProblem());
}

/** Every error leaves as application/problem+json; internals are logged, never sent. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpProblem | Error, request, reply) => {
    let problem;
    if (error instanceof HttpProblem) {
      problem = error.toProblem();
    } else if (error instanceof DomainError) {
      problem = domainProblem(error);
      if (error instanceof ConflictError && error.options.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(error.options.retryAfterSeconds));
      }
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const where = (error as FastifyError).validationContext ?? 'request';
      const errors = error.validation.map((issue) => {
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        return { path: path ? `${where}.${path}` : where, message: issue.message ?? 'is invalid' };
      });
      problem = new HttpProblem(
        400,
        'Invalid request',
        errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        {
          errors,
        },
      ).toProblem();
    } else {
      const status = (error as FastifyError).statusCode ?? 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        problem = { type: problemType(500), title: statusTitle(500), status: 500 };
      } else {
        problem = {
          type: problemType(status),
          title: statusTitle(status),
          status,
          detail: error.message,
        };
      }
    }
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(problem.status).type(problemContentType).send(problem);
  });

  app.setNotFoundHandler((request, reply) => {
    const problem = new HttpProblem(
      404,
      'Not Found',
      `No route ${request.method} ${request.url.split('?')[0]}.`,
    );
    return reply.code(404).type(problemContentType).send(problem.toProblem());
  });
}
