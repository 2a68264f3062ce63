import { describe, expectTypeOf, it, expect } from 'vitest';
import type { CustomerRef } from '../../src/contract/customer-ref.ts';
import type { InsightsQuery } from '../../src/contract/insights.ts';
import type { OutcomeRequest } from '../../src/contract/outcome.ts';
import type { SoftphoneCall } from '../../src/contract/softphone-call.ts';
import type {
  DetectionObservation,
  DetectionSignals,
  InsightsResult,
  Message,
  MessageType,
  OutboxEntryView,
  ProtocolMap,
  RequestOf,
  ResponseOf,
  TabCustomer,
} from './protocol.ts';
import { messageSchemas } from './schemas.ts';
import type { sendMessage } from './client.ts';

describe('protocol map', () => {
  it('pins the message types', () => {
    expectTypeOf<MessageType>().toEqualTypeOf<
      | 'customer-detected'
      | 'call-detected'
      | 'detection-observed'
      | 'crm-api-request'
      | 'get-tab-customer'
      | 'get-current-call'
      | 'get-insights'
      | 'record-outcome'
      | 'retract-outcome'
      | 'get-outbox'
      | 'flush-outbox'
      | 'get-status'
      | 'set-backend-url'
      | 'set-token'
      | 'clear-token'
      | 'check-backend'
      | 'tab-customer-changed'
      | 'call-changed'
      | 'outbox-changed'
    >();
  });

  it('keeps customer-detected as the content script sends it', () => {
    expectTypeOf<ProtocolMap['customer-detected']>().toEqualTypeOf<{
      request: { ref: CustomerRef | null; url: string; signals?: DetectionSignals };
      response: void;
    }>();
    expectTypeOf<Message<'customer-detected'>>().toEqualTypeOf<
      { type: 'customer-detected' } & {
        ref: CustomerRef | null;
        url: string;
        signals?: DetectionSignals;
      }
    >();
    expectTypeOf<RequestOf<'detection-observed'>>().toEqualTypeOf<DetectionObservation>();
    expectTypeOf<RequestOf<'call-detected'>>().toEqualTypeOf<{
      call: SoftphoneCall | null;
      url: string;
    }>();
    expectTypeOf<ResponseOf<'crm-api-request'>>().toEqualTypeOf<{
      status: number;
      body: unknown;
    } | null>();
  });

  it('types requests and responses of the worker calls', () => {
    expectTypeOf<RequestOf<'get-insights'>>().toEqualTypeOf<{ query: InsightsQuery }>();
    expectTypeOf<ResponseOf<'get-insights'>>().toEqualTypeOf<InsightsResult>();
    expectTypeOf<RequestOf<'record-outcome'>>().toEqualTypeOf<{ outcome: OutcomeRequest }>();
    expectTypeOf<ResponseOf<'record-outcome'>>().toEqualTypeOf<OutboxEntryView>();
    expectTypeOf<RequestOf<'retract-outcome'>>().toEqualTypeOf<{ idempotencyKey: string }>();
    expectTypeOf<ResponseOf<'retract-outcome'>>().toEqualTypeOf<OutboxEntryView>();
    expectTypeOf<OutboxEntryView['retraction']>().toEqualTypeOf<{
      requestedAt: string;
      status: 'pending' | 'sent' | 'failed';
      lastError: string | null;
    } | null>();
    expectTypeOf<ResponseOf<'get-tab-customer'>>().toEqualTypeOf<TabCustomer | null>();
  });

  it('makes sendMessage follow the map', () => {
    expectTypeOf<typeof sendMessage<'get-tab-customer'>>().parameters.toEqualTypeOf<
      ['get-tab-customer', { tabId: number }]
    >();
    expectTypeOf<typeof sendMessage<'get-status'>>().returns.resolves.toHaveProperty('configured');
  });

  it('has a runtime schema for every message type and no other', () => {
    const expected: Record<MessageType, true> = {
      'customer-detected': true,
      'call-detected': true,
      'get-current-call': true,
      'call-changed': true,
      'detection-observed': true,
      'crm-api-request': true,
      'get-tab-customer': true,
      'get-insights': true,
      'record-outcome': true,
      'retract-outcome': true,
      'get-outbox': true,
      'flush-outbox': true,
      'get-status': true,
      'set-backend-url': true,
      'set-token': true,
      'clear-token': true,
      'check-backend': true,
      'tab-customer-changed': true,
      'outbox-changed': true,
    };
    expect(Object.keys(messageSchemas).sort()).toEqual(Object.keys(expected).sort());
  });
});
