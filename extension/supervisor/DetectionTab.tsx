import type { SupervisorClient } from './api.ts';
import { DataTable } from './DataTable.tsx';
import { dateTime, percent } from './format.ts';
import { useDetectionHealth } from './hooks.ts';

/**
 * Detection health, for admins: per CRM and page kind, how often the extension found the
 * customer on a page its adapter claimed, and how often it missed. A CRM's UI change shows up
 * here as a miss rate rather than as CSRs quietly giving up on the panel.
 */
export function DetectionTab({ client }: { client: SupervisorClient }) {
  const report = useDetectionHealth(client);
  if (report.error) return <p role="alert">{report.error.message}</p>;
  if (!report.data) return <p>Loading…</p>;
  return (
    <>
      <p className="tab-note">
        Visits to CRM pages an adapter or rule claims (a ticket, case or contact page), by how the
        customer was found: the CRM&apos;s API, the address, or the page itself, or missed. Counted
        per day in UTC for the whole tenant: the period applies, team and segment do not. No
        customer and no address is counted.
      </p>
      <DataTable
        caption="Detection health per CRM page kind, worst first"
        csvName="detection-health"
        rows={report.data.rows}
        rowKey={(r) => `${r.crm}:${r.pageKind}`}
        columns={[
          { key: 'crm', label: 'CRM', value: (r) => r.crm },
          { key: 'pageKind', label: 'Page kind', value: (r) => r.pageKind },
          { key: 'visited', label: 'Pages visited', numeric: true, value: (r) => r.visited },
          {
            key: 'foundByApi',
            label: 'Found by API',
            numeric: true,
            value: (r) => r.foundByApi,
          },
          {
            key: 'foundByUrl',
            label: 'Found by URL',
            numeric: true,
            value: (r) => r.foundByUrl,
          },
          {
            key: 'foundByPage',
            label: 'Found on page',
            numeric: true,
            value: (r) => r.foundByPage,
          },
          { key: 'missed', label: 'Missed', numeric: true, value: (r) => r.missed },
          {
            key: 'missRate',
            label: 'Miss rate',
            numeric: true,
            title: 'Missed / pages visited',
            value: (r) => r.missRate,
            render: (r) => percent(r.missRate),
          },
          {
            key: 'agents',
            label: 'Agents reporting',
            numeric: true,
            value: (r) => r.agents,
          },
          {
            key: 'lastReportedAt',
            label: 'Last reported',
            value: (r) => r.lastReportedAt,
            render: (r) => dateTime(r.lastReportedAt),
          },
        ]}
      />
    </>
  );
}
