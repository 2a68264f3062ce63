import type { SupervisorScope } from '../../src/contract/supervisor.ts';
import { lastDays, periodPresets, presetOf, useWorkspaceUi } from './ui-store.ts';

export function Filters({ scope }: { scope: SupervisorScope | undefined }) {
  const { from, to, team, segment, setPeriod, setTeam, setSegment } = useWorkspaceUi();
  const preset = presetOf(from, to);
  return (
    <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Period
        <select
          aria-label="Period preset"
          value={preset === null ? '' : String(preset)}
          onChange={(e) => {
            const days = Number(e.target.value);
            if (days) {
              const period = lastDays(days);
              setPeriod(period.from, period.to);
            }
          }}
        >
          {preset === null && <option value="">Custom range</option>}
          {periodPresets.map((days) => (
            <option key={days} value={String(days)}>
              Last {days} days
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input
          type="date"
          value={from}
          onChange={(e) => e.target.value && setPeriod(e.target.value, to)}
        />
      </label>
      <label>
        To (exclusive)
        <input
          type="date"
          value={to}
          onChange={(e) => e.target.value && setPeriod(from, e.target.value)}
        />
      </label>
      <label>
        Team
        <select value={team} onChange={(e) => setTeam(e.target.value)}>
          <option value="">{scope?.teams === null ? 'All teams' : 'All my teams'}</option>
          {scope?.allTeams.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Segment
        <select value={segment} onChange={(e) => setSegment(e.target.value)}>
          <option value="">All segments</option>
          {scope?.segments.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
