import { BackendSettings } from './BackendSettings.tsx';
import { CrmSettings } from './CrmSettings.tsx';
import { RuleSettings } from './RuleSettings.tsx';

export function Options() {
  return (
    <main>
      <h1>LoopDesk settings</h1>
      <BackendSettings />
      <CrmSettings />
      <RuleSettings />
    </main>
  );
}
