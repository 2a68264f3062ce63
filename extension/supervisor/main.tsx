import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { extensionAccess, SupervisorClient } from './api.ts';
import { Workspace } from './Workspace.tsx';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 60_000, retry: 1, refetchOnWindowFocus: false } },
});
const client = new SupervisorClient(extensionAccess);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <Workspace client={client} />
      </QueryClientProvider>
    </StrictMode>,
  );
}
