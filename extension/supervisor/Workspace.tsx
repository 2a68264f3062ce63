import type { SupervisorClient } from './api.ts';
import { CoachingTab } from './CoachingTab.tsx';
import { DetectionTab } from './DetectionTab.tsx';
import { DrillPanel } from './DrillPanel.tsx';
import { Filters } from './Filters.tsx';
import { useScope } from './hooks.ts';
import { KpisTab } from './KpisTab.tsx';
import { NotesTab } from './NotesTab.tsx';
import { ReviewTab } from './ReviewTab.tsx';
import { useWorkspaceUi, type Tab } from './ui-store.ts';

const allTabs: { id: Tab; label: string; adminOnly?: true }[] = [
  { id: 'review', label: 'Review' },
  { id: 'kpis', label: 'KPIs' },
  { id: 'coaching', label: 'Coaching' },
  { id: 'notes', label: 'Notes' },
  { id: 'detection', label: 'Detection', adminOnly: true },
];

export function Workspace({ client }: { client: SupervisorClient }) {
  const selected = useWorkspaceUi((s) => s.tab);
  const setTab = useWorkspaceUi((s) => s.setTab);
  const scope = useScope(client);
  const isAdmin = scope.data?.role === 'admin';
  const tabs = allTabs.filter((t) => isAdmin || !t.adminOnly);
  // A tab this token may not see (kept from an admin's session) falls back to the first.
  const tab = tabs.some((t) => t.id === selected) ? selected : tabs[0]!.id;
  return (
    <>
      <header className="top">
        <h1>LoopDesk supervisor workspace</h1>
        {scope.data && (
          <p className="who">
            {scope.data.agentName} ·{' '}
            {scope.data.teams === null ? 'all teams' : scope.data.teams.join(', ')}
          </p>
        )}
      </header>
      {/* One main landmark around filters, tabs and the tab's panel, so everything below the
          header is in a landmark; the tab panel is a div (main may not take role="tabpanel"). */}
      <main>
        {scope.error ? (
          <p role="alert">{scope.error.message}</p>
        ) : (
          <>
            <Filters scope={scope.data} />
            <nav role="tablist" aria-label="Workspace">
              {tabs.map((t) => (
                <button
                  key={t.id}
                  type="button"
                  role="tab"
                  aria-selected={tab === t.id}
                  onClick={() => setTab(t.id)}
                >
                  {t.label}
                </button>
              ))}
            </nav>
            <div
              role="tabpanel"
              className="tab-panel"
              aria-label={tabs.find((t) => t.id === tab)!.label}
            >
              {tab === 'review' && <ReviewTab client={client} />}
              {tab === 'kpis' && <KpisTab client={client} />}
              {tab === 'coaching' && <CoachingTab client={client} />}
              {tab === 'notes' && <NotesTab client={client} />}
              {tab === 'detection' && <DetectionTab client={client} />}
              <DrillPanel client={client} />
            </div>
          </>
        )}
      </main>
    </>
  );
}
