import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chromePanelApi } from './api.ts';
import { Panel } from './Panel.tsx';
import { createPanelQueryClient } from './query-client.ts';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={createPanelQueryClient()}>
        <Panel api={chromePanelApi()} />
      </QueryClientProvider>
    </StrictMode>,
  );
}
