import { QueryClient } from '@tanstack/react-query';

/** Thrown by the insights query when the backend cannot be reached, so react-query retries. */
export class BackendUnreachableError extends Error {
  override readonly name = 'BackendUnreachableError';
}

/**
 * Thrown by the insights query when the worker will not contact the stored backend: an error,
 * not data, so nothing of it is cached and the query runs again once the backend is allowed.
 */
export class BackendRefusedError extends Error {
  override readonly name = 'BackendRefusedError';
}

export function createPanelQueryClient(
  options: { retries?: number; retryDelayMs?: number; staleTimeMs?: number } = {},
) {
  const retries = options.retries ?? 2;
  const baseDelay = options.retryDelayMs ?? 500;
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Insights are fresh enough for a call for 30 s; after that they show at once from
        // cache and refresh in the background (stale-while-revalidate).
        staleTime: options.staleTimeMs ?? 30_000,
        gcTime: 30 * 60_000,
        retry: (failureCount, error) =>
          error instanceof BackendUnreachableError && failureCount < retries,
        retryDelay: (attempt) => Math.min(baseDelay * 2 ** attempt, 5_000),
        refetchOnWindowFocus: false,
      },
    },
  });
}
