import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type Dispatch, type SetStateAction } from 'react';
import {
  catalogueRuleSchema,
  catalogueTreatmentSchema,
  treatmentReviewSchema,
  type CatalogueTreatment,
  type TreatmentReviewRow,
} from '../../src/contract/supervisor.ts';
import type { SupervisorClient } from './api.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { interval, percent, points } from './format.ts';
import { useCatalogue, useFilters, useRules } from './hooks.ts';
import { useWorkspaceUi } from './ui-store.ts';

type ReviewLine = TreatmentReviewRow & { catalogue: CatalogueTreatment | undefined };

function emptyLine(treatment: CatalogueTreatment): ReviewLine {
  return {
    treatmentKey: treatment.id,
    name: treatment.name,
    kind: treatment.kind,
    active: treatment.active,
    suggested: 0,
    offered: 0,
    accepted: 0,
    declined: 0,
    declinedByReason: {},
    offerRate: null,
    acceptanceRate: null,
    acceptanceCi95: null,
    uplift: null,
    upliftCi95: null,
    treatedDecisions: 0,
    controlDecisions: 0,
    valueDelivered: 0,
    catalogue: treatment,
  };
}

type PriorField = 'propensity' | 'evidenceWeight';
type PriorDrafts = Record<string, Partial<Record<PriorField, string>>>;

/** Drafts are kept per catalogue version, so a saved (or elsewhere changed) prior shows as stored. */
const draftKey = (t: CatalogueTreatment) => `${t.id}:${t.version ?? ''}`;
const priorFormId = (t: CatalogueTreatment) => `prior-${t.id}`;

function PriorInput({
  treatment,
  field,
  drafts,
  setDrafts,
}: {
  treatment: CatalogueTreatment;
  field: PriorField;
  drafts: PriorDrafts;
  setDrafts: Dispatch<SetStateAction<PriorDrafts>>;
}) {
  const value = drafts[draftKey(treatment)]?.[field] ?? String(treatment.prior[field]);
  return (
    <input
      form={priorFormId(treatment)}
      aria-label={`${field === 'propensity' ? 'Prior acceptance rate' : 'Prior weight'} of ${treatment.name}`}
      type="number"
      min={0}
      {...(field === 'propensity' ? { max: 1, step: 0.01 } : { step: 1 })}
      value={value}
      onChange={(e) =>
        setDrafts((all) => ({
          ...all,
          [draftKey(treatment)]: { ...all[draftKey(treatment)], [field]: e.target.value },
        }))
      }
    />
  );
}

/** The weight's input and the form both prior inputs belong to (the rate's sits in its own cell). */
function PriorEditor({
  client,
  treatment,
  drafts,
  setDrafts,
}: {
  client: SupervisorClient;
  treatment: CatalogueTreatment;
  drafts: PriorDrafts;
  setDrafts: Dispatch<SetStateAction<PriorDrafts>>;
}) {
  const queryClient = useQueryClient();
  const draft = drafts[draftKey(treatment)];
  const save = useMutation({
    mutationFn: () =>
      client.request(
        catalogueTreatmentSchema,
        'PATCH',
        `/v1/treatments/${encodeURIComponent(treatment.id)}`,
        {
          body: {
            prior: {
              propensity: Number(draft?.propensity ?? treatment.prior.propensity),
              evidenceWeight: Number(draft?.evidenceWeight ?? treatment.prior.evidenceWeight),
            },
          },
        },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalogue'] }),
  });
  return (
    <form
      id={priorFormId(treatment)}
      className="prior"
      aria-label={`Prior of ${treatment.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <PriorInput
        treatment={treatment}
        field="evidenceWeight"
        drafts={drafts}
        setDrafts={setDrafts}
      />
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
      {save.error && <span role="alert">{save.error.message}</span>}
    </form>
  );
}

function ActiveToggle({
  client,
  treatment,
}: {
  client: SupervisorClient;
  treatment: CatalogueTreatment;
}) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (active: boolean) =>
      client.request(
        catalogueTreatmentSchema,
        'PATCH',
        `/v1/treatments/${encodeURIComponent(treatment.id)}`,
        {
          body: { active },
        },
      ),
    // Keep the pending state until the refetched catalogue has the change.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['catalogue'] }),
  });
  // Shows the requested state from the click on (set in the event itself, so the controlled input
  // never snaps back while the mutation's own state is still being scheduled) until the save
  // settles; a failed save falls back to what is stored.
  const [requested, setRequested] = useState<boolean | null>(null);
  const active = requested ?? treatment.active;
  return (
    <label className="toggle">
      <input
        type="checkbox"
        checked={active}
        disabled={toggle.isPending}
        onChange={(e) => {
          setRequested(e.target.checked);
          toggle.mutate(e.target.checked, { onSettled: () => setRequested(null) });
        }}
        aria-label={`${treatment.name} active`}
      />
      {active ? 'on' : 'off'}
      {toggle.error && <span role="alert"> {toggle.error.message}</span>}
    </label>
  );
}

function RulesTable({ client }: { client: SupervisorClient }) {
  const rules = useRules(client);
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      client.request(catalogueRuleSchema, 'PATCH', `/v1/rules/${encodeURIComponent(id)}`, {
        body: { active },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['rules'] }),
  });
  if (rules.error) return <p role="alert">Rules: {rules.error.message}</p>;
  if (!rules.data) return null;
  return (
    <DataTable
      caption="Eligibility rules"
      csvName="rules"
      rows={rules.data}
      rowKey={(r) => r.id}
      columns={[
        { key: 'id', label: 'Rule', value: (r) => r.id },
        { key: 'name', label: 'Name', value: (r) => r.name },
        { key: 'treatmentId', label: 'Treatment', value: (r) => r.treatmentId },
        {
          key: 'active',
          label: 'Active',
          value: (r) => (r.active ? 'on' : 'off'),
          render: (r) => (
            <label className="toggle">
              <input
                type="checkbox"
                checked={
                  toggle.isPending && toggle.variables.id === r.id
                    ? toggle.variables.active
                    : r.active
                }
                aria-label={`Rule ${r.name} active`}
                onChange={(e) => toggle.mutate({ id: r.id, active: e.target.checked })}
              />
              {r.active ? 'on' : 'off'}
            </label>
          ),
        },
      ]}
    />
  );
}

export function ReviewTab({ client }: { client: SupervisorClient }) {
  const filters = useFilters();
  const setDrill = useWorkspaceUi((s) => s.setDrill);
  const [priorDrafts, setPriorDrafts] = useState<PriorDrafts>({});
  const review = useQuery({
    queryKey: ['review', filters],
    queryFn: () => client.get(treatmentReviewSchema, '/v1/supervisor/treatments', filters),
  });
  const catalogue = useCatalogue(client);
  if (review.error) return <p role="alert">{review.error.message}</p>;
  if (!review.data) return <p>Loading…</p>;

  const byKey = new Map(catalogue.data?.map((t) => [t.id, t]));
  const lines: ReviewLine[] = review.data.rows.map((row) => ({
    ...row,
    active: byKey.get(row.treatmentKey)?.active ?? row.active,
    catalogue: byKey.get(row.treatmentKey),
  }));
  for (const treatment of catalogue.data ?? []) {
    if (!lines.some((l) => l.treatmentKey === treatment.id)) lines.push(emptyLine(treatment));
  }
  const defs = review.data.definitions;
  const countColumn = (
    key: 'suggested' | 'offered' | 'accepted' | 'declined',
    label: string,
  ): Column<ReviewLine> => ({
    key,
    label,
    title: defs[key],
    numeric: true,
    value: (r) => r[key],
    onCellClick: (r, target) =>
      setDrill(
        { title: `${r.name ?? r.treatmentKey}: ${label}`, treatment: r.treatmentKey, result: key },
        target,
      ),
  });
  const columns: Column<ReviewLine>[] = [
    { key: 'name', label: 'Treatment', value: (r) => r.name ?? r.treatmentKey },
    { key: 'kind', label: 'Kind', value: (r) => r.kind },
    countColumn('suggested', 'Suggested'),
    countColumn('offered', 'Offered'),
    countColumn('accepted', 'Accepted'),
    countColumn('declined', 'Declined'),
    {
      key: 'reasons',
      label: 'Declined by reason',
      title: defs.declined,
      value: (r) =>
        Object.entries(r.declinedByReason)
          .map(([reason, n]) => `${reason}: ${n}`)
          .join('; '),
      render: (r) => (
        <span className="reasons">
          {Object.entries(r.declinedByReason).map(([reason, n]) => (
            <button
              key={reason}
              type="button"
              className="cell-link"
              onClick={(e) =>
                setDrill(
                  {
                    title: `${r.name ?? r.treatmentKey}: declined, ${reason}`,
                    treatment: r.treatmentKey,
                    result: 'declined',
                    reason,
                  },
                  e.currentTarget,
                )
              }
            >
              {reason.replaceAll('_', ' ')}: {n}
            </button>
          ))}
        </span>
      ),
    },
    {
      key: 'offerRate',
      label: 'Offer rate',
      title: defs.offerRate,
      numeric: true,
      value: (r) => r.offerRate,
      render: (r) => percent(r.offerRate),
    },
    {
      key: 'acceptanceRate',
      label: 'Acceptance (95% CI)',
      title: defs.acceptanceRate,
      numeric: true,
      value: (r) => r.acceptanceRate,
      render: (r) => (
        <span title={interval(r.acceptanceCi95)}>
          {percent(r.acceptanceRate)} <small className="ci">{interval(r.acceptanceCi95)}</small>
        </span>
      ),
    },
    {
      key: 'uplift',
      label: 'Uplift vs control (95% CI)',
      title: defs.uplift,
      numeric: true,
      value: (r) => r.uplift,
      render: (r) => (
        <span>
          {points(r.uplift)}{' '}
          {r.upliftCi95 && (
            <small className="ci">
              {points(r.upliftCi95[0])} – {points(r.upliftCi95[1])}
            </small>
          )}
          <small className="ci">
            n={r.treatedDecisions}/{r.controlDecisions}
          </small>
        </span>
      ),
    },
    {
      key: 'value',
      label: 'Value delivered',
      title: defs.valueDelivered,
      numeric: true,
      value: (r) => r.valueDelivered,
    },
    {
      key: 'active',
      label: 'Active',
      value: (r) => (r.active === null ? '' : r.active ? 'on' : 'off'),
      render: (r) =>
        r.catalogue ? <ActiveToggle client={client} treatment={r.catalogue} /> : 'not in catalogue',
    },
    {
      key: 'priorPropensity',
      label: 'Prior acceptance rate',
      description: 'assumed before any outcomes (0–1)',
      title:
        'The acceptance rate the next-best-action ranking assumes for this treatment before any outcomes are recorded, from 0 to 1.',
      numeric: true,
      value: (r) => r.catalogue?.prior.propensity ?? null,
      render: (r) =>
        r.catalogue ? (
          <PriorInput
            treatment={r.catalogue}
            field="propensity"
            drafts={priorDrafts}
            setDrafts={setPriorDrafts}
          />
        ) : null,
    },
    {
      key: 'priorWeight',
      label: 'Prior weight (equivalent offers)',
      description: 'recorded offers the prior counts as',
      title:
        'How many recorded offers the prior acceptance rate counts as: recorded outcomes outweigh it once there are more of them than this.',
      numeric: true,
      value: (r) => r.catalogue?.prior.evidenceWeight ?? null,
      render: (r) =>
        r.catalogue ? (
          <PriorEditor
            client={client}
            treatment={r.catalogue}
            drafts={priorDrafts}
            setDrafts={setPriorDrafts}
          />
        ) : null,
    },
  ];
  return (
    <>
      {catalogue.error && (
        <p role="alert">
          Treatment catalogue unavailable ({catalogue.error.message}): toggling is off.
        </p>
      )}
      <DataTable
        caption="Suggested treatments"
        csvName="treatment-review"
        columns={columns}
        rows={lines}
        rowKey={(r) => r.treatmentKey}
      />
      <RulesTable client={client} />
    </>
  );
}
