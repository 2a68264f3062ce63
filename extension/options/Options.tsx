import { useState } from 'react';
import { BackendSettings } from './BackendSettings.tsx';
import { CrmSettings } from './CrmSettings.tsx';
import { RuleSettings } from './RuleSettings.tsx';
import { SoftphoneSettings } from './SoftphoneSettings.tsx';

export function Options() {
  const [backendUrl, setBackendUrl] = useState<string | null>(null);
  return (
    <main>
      <h1>LoopDesk settings</h1>
      <BackendSettings onBackendUrl={setBackendUrl} />
      <CrmSettings backendUrl={backendUrl} />
      <SoftphoneSettings />
      <RuleSettings />
    </main>
  );
}
