// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { parseCaseRecord, parseCustomerRecord, recordFromUrl, servicenow } from './servicenow.ts';
import { loadFixture } from './fixtures.test-support.ts';
import { messageSchemas } from '../../messaging/schemas.ts';

const emptyDoc = () => new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
const sn = (path: string) => new URL(`https://acmecorp.service-now.com${path}`);

const CASE = '0c5f3e2a1b9d4c7e8f6a5b4c3d2e1f0a';
const CONTACT = '4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b';
const CONSUMER = '59e788fbdb1b1200b6075200cf9619d2';
const ACCOUNT = '11112222333344445555666677778888';

/** What the worker accepts from the content script for a page-token request (its own schema). */
function workerAccepts(path: string): boolean {
  return messageSchemas['crm-api-request'].safeParse({
    path,
    pageSessionToken: 'servicenow-g_ck',
  }).success;
}

describe('servicenow: hosts', () => {
  it('matches *.service-now.com over https only, and runs on custom domains by path', () => {
    expect(servicenow.matches(sn('/now/cwf/agent/home'))).toBe(true);
    expect(servicenow.matches(new URL('http://acmecorp.service-now.com/'))).toBe(false);
    expect(servicenow.matches(new URL('https://service-now.com.evil.example/'))).toBe(false);
    expect(servicenow.customDomains).toBe(true);
    const custom = new URL(
      `https://support.acme.example/now/cwf/agent/record/sn_customerservice_case/${CASE}`,
    );
    expect(servicenow.matches(custom)).toBe(false);
    expect(servicenow.pageKind(custom)).toBe('case');
    expect(servicenow.apiLookup?.(custom)?.path).toBe(
      servicenow.apiLookup?.(sn(custom.pathname))?.path,
    );
  });
});

describe('servicenow: URL forms', () => {
  it('CSM Configurable Workspace case: /now/cwf/agent/record/<table>/<sys_id>', () => {
    const url = sn(
      `/now/cwf/agent/record/sn_customerservice_case/${CASE}/params/selected-tab-index/3`,
    );
    expect(servicenow.pageKind(url)).toBe('case');
    const lookup = servicenow.apiLookup?.(url);
    expect(lookup?.key).toBe(`sn_customerservice_case:${CASE}`);
    expect(lookup?.pageSessionToken).toBe('servicenow-g_ck');
    expect(lookup?.path).toMatch(
      new RegExp(
        `^/api/now/table/sn_customerservice_case/${CASE}\\?sysparm_fields=sys_id,contact,consumer,account,`,
      ),
    );
    expect(lookup?.path).toContain('contact.email');
    expect(workerAccepts(lookup?.path ?? '')).toBe(true);
    // The case page shows no customer yet (lazy DOM): nothing, not a guess.
    expect(servicenow.detect(url, emptyDoc())).toBeNull();
  });

  it('Agent Workspace record: /now/workspace/agent/record/<table>/<sys_id>', () => {
    const url = sn(`/now/workspace/agent/record/customer_contact/${CONTACT}`);
    expect(servicenow.pageKind(url)).toBe('contact');
    expect(servicenow.detect(url, emptyDoc())).toEqual({
      crm: 'servicenow',
      type: 'customer_contact',
      id: CONTACT,
    });
    const lookup = servicenow.apiLookup?.(url);
    expect(lookup?.path).toBe(
      `/api/now/table/customer_contact/${CONTACT}?sysparm_fields=sys_id,name,email,phone,mobile_phone`,
    );
    expect(workerAccepts(lookup?.path ?? '')).toBe(true);
  });

  it('consumer and account records in a workspace', () => {
    const consumer = sn(
      `/now/cwf/agent/record/csm_consumer/${CONSUMER}/params/selected-tab-index/1`,
    );
    expect(servicenow.pageKind(consumer)).toBe('consumer');
    expect(servicenow.detect(consumer, emptyDoc())?.type).toBe('csm_consumer');
    const account = sn(`/now/sow/record/customer_account/${ACCOUNT}`);
    expect(servicenow.pageKind(account)).toBe('account');
    expect(servicenow.detect(account, emptyDoc())).toEqual({
      crm: 'servicenow',
      type: 'customer_account',
      id: ACCOUNT,
    });
  });

  it('classic form: /<table>.do?sys_id=<sys_id>', () => {
    const url = sn(`/sn_customerservice_case.do?sys_id=${CASE}&sysparm_view=`);
    expect(servicenow.pageKind(url)).toBe('case');
    expect(servicenow.apiLookup?.(url)?.key).toBe(`sn_customerservice_case:${CASE}`);
    const contact = sn(`/customer_contact.do?sys_id=${CONTACT.toUpperCase()}`);
    expect(servicenow.detect(contact, emptyDoc())?.id).toBe(CONTACT);
  });

  it('classic frame: /nav_to.do?uri=<table>.do?sys_id=... (as the docs write it, and encoded)', () => {
    const plain = sn(`/nav_to.do?uri=sn_customerservice_case.do?sys_id=${CASE}`);
    expect(recordFromUrl(plain)).toEqual({ table: 'sn_customerservice_case', sysId: CASE });
    const encoded = sn(`/nav_to.do?uri=%2Fsn_customerservice_case.do%3Fsys_id%3D${CASE}`);
    expect(servicenow.pageKind(encoded)).toBe('case');
    expect(servicenow.apiLookup?.(encoded)?.key).toBe(`sn_customerservice_case:${CASE}`);
  });

  it('Next Experience wrapper: /now/nav/ui/classic/params/target/<encoded target>', () => {
    const target = sn(
      `/now/nav/ui/classic/params/target/sn_customerservice_case.do%3Fsys_id%3D${CASE}%26sysparm_stack%3D%26sysparm_view%3D`,
    );
    expect(servicenow.pageKind(target)).toBe('case');
    const leadingSlash = sn(
      `/now/nav/ui/classic/params/target/%2Fcustomer_contact.do%3Fsys_id%3D${CONTACT}`,
    );
    expect(servicenow.detect(leadingSlash, emptyDoc())?.id).toBe(CONTACT);
    const doublyEncoded = sn(
      `/now/nav/ui/classic/params/target/csm_consumer.do%253Fsys_id%253D${CONSUMER}`,
    );
    expect(servicenow.detect(doublyEncoded, emptyDoc())?.id).toBe(CONSUMER);
    const wrappedNavTo = sn(
      `/now/nav/ui/classic/params/target/nav_to.do%3Furi%3Dsn_customerservice_case.do%253Fsys_id%253D${CASE}`,
    );
    expect(servicenow.pageKind(wrappedNavTo)).toBe('case');
  });

  it('a consumer sub-record in a case tab is that consumer, in the case’s context', () => {
    const url = sn(
      `/now/cwf/agent/record/sn_customerservice_case/${CASE}/params/selected-tab-index/0/sub/record/csm_consumer/${CONSUMER}/params/selected-tab-index/2`,
    );
    expect(servicenow.pageKind(url)).toBe('consumer');
    expect(servicenow.detect(url, emptyDoc())).toEqual({
      crm: 'servicenow',
      type: 'csm_consumer',
      id: CONSUMER,
      context: CASE,
    });
    const lookup = servicenow.apiLookup?.(url);
    expect(lookup?.path).toMatch(new RegExp(`^/api/now/table/csm_consumer/${CONSUMER}\\?`));
    // Filed apart from the consumer's own page, whose answer carries no case.
    expect(lookup?.key).toBe(`csm_consumer:${CONSUMER}@${CASE}`);
    expect(servicenow.apiLookup?.(sn(`/now/cwf/agent/record/csm_consumer/${CONSUMER}`))?.key).toBe(
      `csm_consumer:${CONSUMER}`,
    );
    expect(workerAccepts(lookup?.path ?? '')).toBe(true);
    expect(lookup?.parse({ result: { sys_id: CONSUMER, email: 'a@example.org' } })?.context).toBe(
      CASE,
    );
  });

  it('another sub-record in a case tab is read as that case', () => {
    const url = sn(
      `/now/cwf/agent/record/sn_customerservice_case/${CASE}/sub/record/sn_customerservice_task/${ACCOUNT}`,
    );
    expect(servicenow.pageKind(url)).toBe('case');
    expect(servicenow.apiLookup?.(url)?.key).toBe(`sn_customerservice_case:${CASE}`);
  });

  it('rejects malformed ids, new records, lists, other tables and broken encodings', () => {
    const rejected = [
      '/now/cwf/agent/record/customer_contact/xyz',
      `/now/cwf/agent/record/customer_contact/${CONTACT}0`,
      '/sn_customerservice_case.do?sys_id=-1',
      '/now/cwf/agent/list/params/list-id/abc',
      `/sn_customerservice_case_list.do?sysparm_query=sys_id=${CASE}`,
      `/now/cwf/agent/record/incident/${CASE}`,
      `/incident.do?sys_id=${CASE}`,
      `/now/nav/ui/classic/params/target/incident_list.do%3Fsysparm_query%3Dactive%3Dtrue`,
      `/now/nav/ui/classic/params/target/%E0%A4%A${CASE}`,
      `/nav_to.do?uri=javascript:alert(1)`,
      `/now/cwf/agent/record/incident/${CASE}/sub/record/sn_customerservice_task/${CONTACT}`,
    ];
    for (const path of rejected) {
      expect(servicenow.pageKind(sn(path)), path).toBeNull();
      expect(servicenow.apiLookup?.(sn(path)), path).toBeNull();
      expect(servicenow.detect(sn(path), emptyDoc()), path).toBeNull();
    }
  });
});

// Response shapes from ServiceNow docs, "Table API", GET /now/table/{tableName}/{sys_id}
// (api-reference/rest-apis/c_TableAPI.md): `{"result": {...}}` with reference fields as
// `{"link": ".../api/now/table/<table>/<sys_id>", "value": "<sys_id>"}`; case fields per the
// Case API docs (contact, consumer, account). Values anonymised.
describe('servicenow: Table API answers', () => {
  const link = (table: string, id: string) => ({
    link: `https://instance.servicenow.com/api/now/table/${table}/${id}`,
    value: id,
  });

  it('reads the contact of a B2B case (reference as {link, value}, dot-walked strings)', () => {
    const body = {
      result: {
        sys_id: CASE,
        contact: link('customer_contact', CONTACT),
        consumer: '',
        account: link('customer_account', ACCOUNT),
        'contact.name': 'Chidi Okonkwo',
        'contact.email': 'chidi.okonkwo@example.co.uk',
        'contact.phone': '',
        'contact.mobile_phone': '+44 161 555 0147',
        'account.name': 'Okonkwo Logistics Ltd',
      },
    };
    expect(parseCaseRecord(body, CASE)).toEqual({
      crm: 'servicenow',
      type: 'customer_contact',
      id: CONTACT,
      email: 'chidi.okonkwo@example.co.uk',
      phone: '+44 161 555 0147',
      displayName: 'Chidi Okonkwo',
      context: CASE,
    });
  });

  it('reads the consumer of a B2C case (sysparm_exclude_reference_link: bare sys_id)', () => {
    const body = {
      result: {
        sys_id: CASE,
        contact: '',
        consumer: CONSUMER,
        'consumer.name': 'Kenji Watanabe',
        'consumer.email': 'kenji.watanabe@example.jp',
        'consumer.mobile_phone': '',
        'consumer.business_phone': '+81 3 5555 0123',
      },
    };
    expect(parseCaseRecord(body, CASE)).toMatchObject({
      type: 'csm_consumer',
      id: CONSUMER,
      phone: '+81 3 5555 0123',
      displayName: 'Kenji Watanabe',
    });
  });

  it('reads sysparm_display_value=all answers ({display_value, value})', () => {
    const body = {
      result: {
        sys_id: { display_value: CASE, value: CASE },
        contact: { display_value: 'Chidi Okonkwo', value: CONTACT },
        'contact.email': { display_value: 'chidi@example.co.uk', value: 'chidi@example.co.uk' },
      },
    };
    expect(parseCaseRecord(body, CASE)).toEqual({
      crm: 'servicenow',
      type: 'customer_contact',
      id: CONTACT,
      email: 'chidi@example.co.uk',
      displayName: 'Chidi Okonkwo',
      context: CASE,
    });
  });

  it('falls back to the account when the case names no person', () => {
    const body = {
      result: { sys_id: CASE, contact: '', consumer: '', account: ACCOUNT, 'account.name': 'Acme' },
    };
    expect(parseCaseRecord(body, CASE)).toEqual({
      crm: 'servicenow',
      type: 'customer_account',
      id: ACCOUNT,
      displayName: 'Acme',
      context: CASE,
    });
  });

  it('reads a contact or consumer record', () => {
    expect(
      parseCustomerRecord(
        {
          result: {
            sys_id: CONTACT,
            name: 'Chidi Okonkwo',
            email: 'c@example.org',
            phone: 'n/a',
            mobile_phone: '+44 7700 900123',
          },
        },
        'customer_contact',
        CONTACT,
      ),
    ).toEqual({
      crm: 'servicenow',
      type: 'customer_contact',
      id: CONTACT,
      email: 'c@example.org',
      phone: '+44 7700 900123',
      displayName: 'Chidi Okonkwo',
    });
  });

  it('treats odd and hostile answers as no customer, bounded, never throwing', () => {
    const hostile: unknown[] = [
      null,
      'result',
      42,
      [],
      { result: [] },
      { result: null },
      { error: { message: 'No Record found' }, status: 'failure' },
      { result: { sys_id: 'ffffffffffffffffffffffffffffffff', contact: CONTACT } },
      { result: { sys_id: CASE, contact: 42, consumer: { value: 7 }, account: ['x'] } },
      { result: { sys_id: CASE, contact: 'not-a-sys-id' } },
      { result: { sys_id: CASE, contact: { link: 'x' } } },
    ];
    for (const body of hostile) {
      expect(() => parseCaseRecord(body, CASE)).not.toThrow();
      expect(parseCaseRecord(body, CASE)).toBeNull();
      expect(parseCustomerRecord(body, 'customer_contact', CONTACT)).toBeNull();
    }
    const huge = 'x'.repeat(100_000);
    const ref = parseCaseRecord(
      {
        result: {
          sys_id: CASE,
          contact: CONTACT,
          'contact.name': huge,
          'contact.email': `${huge}@example.org`,
          'contact.phone': '1'.repeat(500),
        },
      },
      CASE,
    );
    expect(ref?.id).toBe(CONTACT);
    expect(ref?.displayName?.length).toBeLessThanOrEqual(200);
    expect(ref?.email).toBeUndefined();
    expect(ref?.phone).toBeUndefined();
    expect(parseCustomerRecord({ result: { sys_id: CONTACT } }, 'incident', CONTACT)).toBeNull();
  });
});

describe('servicenow: the workspace page', () => {
  const caseUrl = sn(`/now/cwf/agent/record/sn_customerservice_case/${CASE}`);

  it('reads the contact of the tab in front, not of a background tab', () => {
    expect(servicenow.detect(caseUrl, loadFixture('servicenow.case.html'))).toEqual({
      crm: 'servicenow',
      type: 'customer_contact',
      id: CONTACT,
      displayName: 'Chidi Okonkwo',
      context: CASE,
    });
  });

  it('reports nothing when the tab in front has no contact yet, whatever a hidden tab shows', () => {
    const doc = loadFixture('servicenow.case.html');
    const front = [...doc.querySelectorAll('sn-workspace-layout')]
      .flatMap((layout) => [...(layout.shadowRoot?.querySelectorAll('sn-canvas-screen') ?? [])])
      .find((canvas) => !canvas.getAttribute('style'));
    front?.shadowRoot?.querySelector('sn-record-reference-connected[name="contact"]')?.remove();
    expect(servicenow.detect(caseUrl, doc)).toBeNull();
  });

  it('reads a consumer field, and the name from the typeahead when the input has no name', () => {
    const doc = new DOMParser().parseFromString('<html><body></body></html>', 'text/html');
    const field = doc.createElement('sn-record-reference-connected');
    field.setAttribute('name', 'consumer');
    field.setAttribute('value', CONSUMER.toUpperCase());
    const typeahead = field
      .attachShadow({ mode: 'open' })
      .appendChild(doc.createElement('now-typeahead'));
    const input = typeahead.attachShadow({ mode: 'open' }).appendChild(doc.createElement('input'));
    input.className = 'now-typeahead-native-input';
    input.value = 'Kenji Watanabe';
    doc.body.append(field);
    expect(servicenow.detect(caseUrl, doc)).toEqual({
      crm: 'servicenow',
      type: 'csm_consumer',
      id: CONSUMER,
      displayName: 'Kenji Watanabe',
      context: CASE,
    });
    field.setAttribute('value', 'abc');
    expect(servicenow.detect(caseUrl, doc)).toBeNull();
  });
});
