import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { detectionHealthReportSchema } from '../../src/contract/detection-health.ts';
import {
  catalogueRuleSchema,
  catalogueTreatmentSchema,
  supervisorScopeSchema,
} from '../../src/contract/supervisor.ts';
import type { SupervisorClient } from './api.ts';
import { useWorkspaceUi } from './ui-store.ts';

/** The shared filters as query parameters. */
export function useFilters() {
  const from = useWorkspaceUi((s) => s.from);
  const to = useWorkspaceUi((s) => s.to);
  const team = useWorkspaceUi((s) => s.team);
  const segment = useWorkspaceUi((s) => s.segment);
  return { from, to, team: team || undefined, segment: segment || undefined };
}

export function useScope(client: SupervisorClient) {
  return useQuery({
    queryKey: ['scope'],
    queryFn: () => client.get(supervisorScopeSchema, '/v1/supervisor/scope'),
    staleTime: 5 * 60_000,
  });
}

export function useCatalogue(client: SupervisorClient) {
  return useQuery({
    queryKey: ['catalogue'],
    queryFn: () => client.get(z.array(catalogueTreatmentSchema), '/v1/treatments'),
  });
}

export function useRules(client: SupervisorClient) {
  return useQuery({
    queryKey: ['rules'],
    queryFn: () => client.get(z.array(catalogueRuleSchema), '/v1/rules'),
  });
}

/** Detection health over the workspace's period (admins only; team and segment do not apply). */
export function useDetectionHealth(client: SupervisorClient) {
  const { from, to } = useFilters();
  return useQuery({
    queryKey: ['detection-health', from, to],
    queryFn: () => client.get(detectionHealthReportSchema, '/v1/detection-health', { from, to }),
  });
}
