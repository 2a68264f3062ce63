import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ImportRejectedError } from '../imports/run.ts';
import { HttpProblem, problemContentType, problemType, statusTitle } from './problem.ts';

/** Every error leaves as application/problem+json; internals are logged, never sent. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpProblem | Error, request, reply) => {
    let problem;
    if (error instanceof HttpProblem) {
      problem = error.toProblem();
    } else if (error instanceof ImportRejectedError) {
      problem = new HttpProblem(
        422,
        'Import rejected',
        'The file has problems; nothing was written.',
        {
          errors: error.errors,
          errorCount: error.errorCount,
        },
      ).toProblem();
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
