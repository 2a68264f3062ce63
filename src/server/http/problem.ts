import type { Candidate, Problem } from '../../contract/index.ts';

/** An error the API reports as problem+json with its own status; never carries a stack to the client. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Partial<Pick<Problem, 'errors' | 'errorCount' | 'candidates'>> = {},
  ) {
    super(detail ?? title);
  }

  toProblem(): Problem {
    return {
      type: problemType(this.status),
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...this.extra,
    };
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return titles[status] ?? (status >= 500 ? 'Server Error' : 'Request Error');
}

/** Problem types are plain descriptive URIs; clients branch on `status`, people read `title`. */
export function problemType(status: number): string {
  return status === 500 ? 'about:blank' : `https://loopdesk.dev/problems/${status}`;
}

export function ambiguousCustomer(candidates: Candidate[]): HttpProblem {
  return new HttpProblem(
    409,
    'Several customers match',
    `${candidates.length} customers match what the page shows; pick one.`,
    { candidates },
  );
}

export const problemContentType = 'application/problem+json; charset=utf-8';
