import { useEffect, useId, useState } from 'react';
import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import { readRules } from '../shared/settings.ts';
import { ruleAdaptersStorageKey } from '../shared/storage-keys.ts';
import {
  ruleMatchPattern,
  testRuleOnDocument,
  validateRule,
  type RuleAdapterConfig,
  type RuleError,
} from '../shared/rules.ts';

type Draft = Record<keyof RuleAdapterConfig, string>;
const fields: { key: keyof RuleAdapterConfig; label: string; placeholder: string }[] = [
  { key: 'id', label: 'Id', placeholder: 'in-house-crm' },
  { key: 'label', label: 'Name', placeholder: 'In-house CRM' },
  { key: 'origin', label: 'Origin', placeholder: 'https://crm.example.com' },
  {
    key: 'urlPattern',
    label: 'URL pattern (named groups recordId, objectType)',
    placeholder: '^/customers/(?<recordId>\\d+)',
  },
  { key: 'container', label: 'Container selector (optional)', placeholder: '#customer-card' },
  { key: 'emailSelector', label: 'Email selector (optional)', placeholder: '.email' },
  { key: 'phoneSelector', label: 'Phone selector (optional)', placeholder: '.phone' },
  { key: 'nameSelector', label: 'Name selector (optional)', placeholder: 'h1' },
];
const emptyDraft: Draft = Object.fromEntries(fields.map((f) => [f.key, ''])) as Draft;

function toDraft(rule: unknown): Draft {
  const raw = (rule ?? {}) as Partial<Record<keyof RuleAdapterConfig, unknown>>;
  return Object.fromEntries(
    fields.map((f) => [f.key, typeof raw[f.key] === 'string' ? raw[f.key] : '']),
  ) as Draft;
}

/** A draft as a rule: empty optional fields are left out. */
function fromDraft(draft: Draft): Partial<RuleAdapterConfig> {
  return Object.fromEntries(
    Object.entries(draft)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
}

function describe(ref: CustomerRef | null): string {
  if (!ref) return 'nothing';
  return Object.entries(ref)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join('; ');
}

/** Reads the matching tab's page as inert markup (parsed, never rendered) and runs the rule on it. */
async function testOnOpenTab(rule: RuleAdapterConfig): Promise<string> {
  const pattern = ruleMatchPattern(rule);
  if (!(await chrome.permissions.request({ origins: [pattern] }))) {
    return `Access to ${rule.origin} was not granted.`;
  }
  const tabs = await chrome.tabs.query({ url: pattern });
  const tab = tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
  if (tab?.id === undefined) return `Open a page of ${rule.origin} in a tab first.`;
  const [injection] = await chrome.scripting.executeScript({
    target: { tabId: tab.id },
    func: () => ({ url: location.href, html: document.documentElement.outerHTML }),
  });
  const page = injection?.result;
  if (!page) return 'Could not read that tab.';
  const doc = new DOMParser().parseFromString(page.html, 'text/html');
  const result = testRuleOnDocument(rule, page.url, doc);
  return `${result.explanation} Found ${describe(result.ref)} on ${page.url}`;
}

export function RuleSettings() {
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [errors, setErrors] = useState<RuleError[][]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [testResults, setTestResults] = useState<Record<number, string>>({});
  const baseId = useId();

  useEffect(() => {
    void readRules().then((rules) => setDrafts(rules.map(toDraft)));
  }, []);

  function update(index: number, key: keyof RuleAdapterConfig, value: string) {
    setDrafts(drafts.map((d, i) => (i === index ? { ...d, [key]: value } : d)));
  }

  async function save() {
    const validations = drafts.map((d) => validateRule(fromDraft(d)));
    setErrors(validations.map((v) => (v.ok ? [] : v.errors)));
    if (validations.some((v) => !v.ok)) {
      setMessage('Not saved: fix the fields marked below.');
      return;
    }
    const rules = validations.flatMap((v) => (v.ok ? [v.rule] : []));
    const origins = rules.map(ruleMatchPattern);
    if (origins.length && !(await chrome.permissions.request({ origins }))) {
      setMessage('Not saved: access to the rules’ origins was not granted.');
      return;
    }
    await chrome.storage.local.set({ [ruleAdaptersStorageKey]: rules });
    setMessage(`Saved ${rules.length} rule${rules.length === 1 ? '' : 's'}.`);
  }

  async function test(index: number) {
    const draft = drafts[index];
    if (!draft) return;
    const validation = validateRule(fromDraft(draft));
    setErrors(
      drafts.map((_, i) => (i === index && !validation.ok ? validation.errors : (errors[i] ?? []))),
    );
    const text = validation.ok
      ? await testOnOpenTab(validation.rule).catch((e: Error) => e.message)
      : 'Fix the rule first.';
    setTestResults({ ...testResults, [index]: text });
  }

  return (
    <section aria-labelledby="rules-heading">
      <h2 id="rules-heading">Other CRMs (rules, no code)</h2>
      {drafts.map((draft, index) => (
        <fieldset key={index}>
          <legend>Rule {index + 1}</legend>
          {fields.map((field) => {
            const fieldErrors = (errors[index] ?? []).filter((e) => e.field === field.key);
            const errorId = `${baseId}-${index}-${field.key}-error`;
            return (
              <label key={field.key}>
                {field.label}
                <input
                  type="text"
                  name={`${field.key}-${index}`}
                  value={draft[field.key]}
                  placeholder={field.placeholder}
                  aria-invalid={fieldErrors.length > 0}
                  aria-describedby={fieldErrors.length ? errorId : undefined}
                  onChange={(e) => update(index, field.key, e.target.value)}
                />
                {fieldErrors.length ? (
                  <span id={errorId} className="problem">
                    {fieldErrors.map((e) => e.message).join('; ')}
                  </span>
                ) : null}
              </label>
            );
          })}
          {(errors[index] ?? [])
            .filter((e) => e.field === 'rule')
            .map((e) => (
              <p key={e.message} className="problem">
                {e.message}
              </p>
            ))}
          <button type="button" onClick={() => void test(index)}>
            Test on an open tab
          </button>
          <button type="button" onClick={() => setDrafts(drafts.filter((_, i) => i !== index))}>
            Remove rule {index + 1}
          </button>
          {testResults[index] ? <p role="status">{testResults[index]}</p> : null}
        </fieldset>
      ))}
      <button type="button" onClick={() => setDrafts([...drafts, { ...emptyDraft }])}>
        Add a rule
      </button>
      <button type="button" onClick={() => void save()}>
        Save rules
      </button>
      {message ? <p role="status">{message}</p> : null}
    </section>
  );
}
