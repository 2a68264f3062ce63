import type { InsightsQuery, NextBestAction, OutcomeRequest } from '../../contract/index.ts';
import type { Db } from '../db/db.ts';
import type { ContactRow } from '../imports/rows.ts';
import { writeContacts } from '../imports/writers.ts';
import { createNbaDecisionMaker, NbaEngine } from '../nba/decide.ts';
import type { DecisionMaker } from '../insights/decision-maker.ts';
import { getInsights, type InsightsDeps } from '../insights/get-insights.ts';
import { recordOutcome } from '../outcomes/store.ts';
import { dayMs, monthlyCharge, type DemoCustomer } from './business.ts';
import { seededRng } from '../../nba/index.ts';
import { Draw } from './prng.ts';

type DeclineReason = NonNullable<OutcomeRequest['reason']>;

/** How far back the demo team's work goes: past 90 days, so a 90-day period's results measured on older decisions (uplift after 30 days, saves after 60) show. */
export const teamWorkWeeks = 17;

/**
 * How each demo agent works: how often they offer what the panel suggests, how well they
 * present it (a factor on the customer's chance to accept), and how often they write a note.
 * Linus Torvalds seldom offers and Alan Kay's offers are seldom taken: coaching cues.
 */
const agentStyles: Record<string, { offers: number; skill: number; notes: number }> = {
  'Grace Hopper': { offers: 0.8, skill: 1.1, notes: 0.3 },
  'Linus Torvalds': { offers: 0.2, skill: 1, notes: 0.1 },
  'Ada Byron': { offers: 0.7, skill: 1, notes: 0.2 },
  'Katherine Johnson': { offers: 0.9, skill: 1.3, notes: 0.35 },
  'Alan Kay': { offers: 0.85, skill: 0.45, notes: 0.15 },
  'Margaret Hamilton': { offers: 0.85, skill: 1.2, notes: 0.25 },
  'Dennis Ritchie': { offers: 0.75, skill: 1, notes: 0.15 },
  'Barbara Liskov': { offers: 0.7, skill: 0.9, notes: 0.2 },
};
const usualStyle = { offers: 0.75, skill: 1, notes: 0.2 };

/**
 * What each treatment really does when a customer accepts (what the review's uplift should
 * find): the chance they accept when offered, the chance it keeps a customer who was about to
 * cancel, and what changes on their account. The specialist call-back is liked and keeps no one.
 */
interface Effect {
  accept: number;
  saves: number;
  apply: (customer: DemoCustomer, at: number, draw: Draw) => Record<string, string>;
}
const unchanged = () => ({});
const effects: Record<string, Effect> = {
  'retention-loyalty-discount': {
    accept: 0.5,
    saves: 0.85,
    apply: (customer, at) => {
      const discount = -0.2 * monthlyCharge(customer.subscription);
      customer.billChanges.push({ from: at, until: at + 183 * dayMs, amount: discount });
      return {};
    },
  },
  'retention-annual-plan': {
    accept: 0.35,
    saves: 0.9,
    apply: () => ({ Contract: 'One year' }),
  },
  'service-recovery-credit': {
    accept: 0.85,
    saves: 0.45,
    apply: (customer, at) => {
      const credit = -monthlyCharge(customer.subscription);
      customer.billChanges.push({ from: at, until: at + 32 * dayMs, amount: credit });
      return {};
    },
  },
  'service-recovery-specialist-callback': { accept: 0.6, saves: 0, apply: unchanged },
  'cross-sell-online-security': {
    accept: 0.2,
    saves: 0.2,
    apply: (customer, at) => {
      customer.billChanges.push({ from: at, until: Infinity, amount: 5 });
      return { OnlineSecurity: 'Yes' };
    },
  },
  'cross-sell-tech-support': {
    accept: 0.18,
    saves: 0.2,
    apply: (customer, at) => {
      customer.billChanges.push({ from: at, until: Infinity, amount: 5 });
      return { TechSupport: 'Yes' };
    },
  },
  'up-sell-fiber-upgrade': {
    accept: 0.18,
    saves: 0.1,
    apply: (customer, at, draw) => {
      customer.billChanges.push({ from: at, until: Infinity, amount: 25 });
      customer.purchases.push({ at: at + (3 + draw.next() * 7) * dayMs, amount: 49 });
      return { InternetService: 'Fiber optic' };
    },
  },
  'education-autopay': {
    accept: 0.4,
    saves: 0.15,
    apply: () => ({ PaymentMethod: 'Credit card (automatic)' }),
  },
  'education-self-service-app': { accept: 0.5, saves: 0, apply: () => ({ AppUser: 'Yes' }) },
};

const declineReasons: Record<string, readonly (readonly [DeclineReason, number])[]> = {
  retention: [
    ['not_interested', 3],
    ['too_expensive', 2],
    ['bad_timing', 1],
    ['customer_upset', 1],
  ],
  'service-recovery': [
    ['customer_upset', 2],
    ['not_interested', 2],
    ['no_time_on_call', 1],
  ],
  'cross-sell': [
    ['not_interested', 4],
    ['too_expensive', 3],
    ['already_has_it', 1],
    ['bad_timing', 1],
  ],
  'up-sell': [
    ['too_expensive', 3],
    ['not_interested', 3],
    ['bad_timing', 2],
  ],
  education: [
    ['not_interested', 3],
    ['already_has_it', 2],
    ['no_time_on_call', 1],
  ],
};

/** Notes CSRs write with an outcome, by treatment kind and result. */
const notes: Record<string, Partial<Record<'accepted' | 'declined' | 'not_offered', string[]>>> = {
  retention: {
    accepted: [
      'Was about to switch for a cheaper fibre deal; stays with the offer.',
      'Customer moving in with partner who has another provider; kept them with the price lock.',
      'Said the bill went up twice this year. Happy with the new price, will stay.',
    ],
    declined: [
      'Moving abroad next month, nothing we can do.',
      'Competitor offers 1 Gbps for less; our offer was not enough.',
      'Angry about the last outage, wants to leave whatever we offer.',
    ],
  },
  'service-recovery': {
    accepted: [
      'Third outage this month; credit applied and customer calmer.',
      'Line drops every evening. Specialist booked for Tuesday morning.',
      'Engineer missed the appointment twice; apologised and applied the credit.',
    ],
    declined: [
      'Does not want a call-back, just wants the line fixed.',
      'Customer too upset to talk about credits, escalated the fault ticket.',
    ],
  },
  'cross-sell': {
    accepted: [
      'Kids use the laptop a lot; added Online Security.',
      'Router keeps failing, took the Tech Support plan.',
    ],
    declined: [
      'Says the antivirus on the laptop is enough.',
      'Will ask her son, who does their IT.',
    ],
  },
  'up-sell': {
    accepted: ['Works from home and needs the speed; fibre installation booked.'],
    declined: ['Happy with DSL speed for now; asked us to call back in spring.'],
  },
  education: {
    accepted: ['Set up card autopay on the call; was paying late fees.'],
    declined: ['Prefers calling us to using an app.'],
  },
  any: {
    not_offered: [
      'Customer was upset about the outage, not the moment for an offer.',
      'Long queue today, kept the call short.',
      'Customer in a hurry, only wanted the bill explained.',
    ],
  },
};

export interface TeamWorkPlan {
  customers: readonly DemoCustomer[];
  /** The contacts of the period, as generated; written day by day as the work goes on. */
  contacts: readonly ContactRow[];
  from: number;
  to: number;
  seed: number;
  phoneRegion: string;
}

interface Outcome {
  decisionId: string;
  treatmentId: string;
  kind: string;
  result: 'offered' | 'accepted' | 'declined' | 'not_offered';
  reason?: DeclineReason;
  note?: string;
  at: number;
  agent: string;
  customer: DemoCustomer;
}

/**
 * Replays the demo team's work of the period through the real engine, day by day: each contact
 * is written, asks for insights as the panel does (a decision, the control group included, at
 * the contact's time), and its agent records outcomes as they would. What a customer accepted
 * then happens: bills change, an installation is paid, attributes change, and a customer who
 * was going to cancel may stay. The bills themselves are written afterwards (seed.ts).
 */
export async function seedTeamWork(
  db: Db,
  plan: TeamWorkPlan,
): Promise<{ decisions: number; outcomes: number }> {
  const draw = new Draw(seededRng(plan.seed));
  const byId = new Map(plan.customers.map((customer) => [customer.row.customerId, customer]));
  const contactTimes = new Map(
    plan.contacts.map((contact) => [contact.contactId, new Date(contact.startedAt).getTime()]),
  );
  // The engine decides at the contact's time (its clock is read as a decision starts).
  let clock = new Date(plan.from);
  const engine = new NbaEngine({ rng: seededRng(plan.seed + 1), now: () => clock });
  const nba = createNbaDecisionMaker(engine);
  const decide: DecisionMaker = Object.assign(
    (db: Parameters<DecisionMaker>[0], request: Parameters<DecisionMaker>[1]) => {
      clock = new Date(contactTimes.get(request.context ?? '') ?? plan.from);
      return nba(db, request);
    },
    { lookupColumnsSql: nba.lookupColumnsSql },
  );
  const deps: InsightsDeps = { db, decide, phoneRegion: plan.phoneRegion };
  const sorted = [...plan.contacts].sort((a, b) => a.startedAt.localeCompare(b.startedAt));

  let decisions = 0;
  let outcomes = 0;
  for (let dayStart = plan.from, next = 0; dayStart < plan.to; dayStart += dayMs) {
    const today: ContactRow[] = [];
    while (next < sorted.length && new Date(sorted[next]!.startedAt).getTime() < dayStart + dayMs) {
      today.push(sorted[next]!);
      next += 1;
    }
    if (today.length === 0) continue;
    await writeContacts(db, today);
    // Asked together, so the decision writer stores them in a few statements.
    const answers = await Promise.all(
      today.map((contact) => {
        const query: InsightsQuery = {
          crm: 'demo',
          type: 'customer',
          id: contact.customerId,
          context: contact.contactId,
        };
        return getInsights(
          deps,
          query,
          contact.agent!,
          new Date(contactTimes.get(contact.contactId)!),
        );
      }),
    );
    decisions += answers.length;

    const recorded: Outcome[] = [];
    answers.forEach((insights, index) => {
      const contact = today[index]!;
      const customer = byId.get(contact.customerId)!;
      const at = contactTimes.get(contact.contactId)! + (2 + draw.next() * 6) * 60_000;
      recorded.push(
        ...outcomesOf(draw, insights.nextBestActions, {
          decisionId: insights.decision.id,
          agent: contact.agent!,
          customer,
          at,
        }),
      );
    });
    const patches = new Map<string, Record<string, string>>();
    for (const outcome of recorded) {
      await recordOutcome(db, {
        agent: outcome.agent,
        idempotencyKey: `demo-${outcome.decisionId}-${outcome.treatmentId}`,
        request: {
          decisionId: outcome.decisionId,
          treatmentId: outcome.treatmentId,
          result: outcome.result,
          reason: outcome.reason,
          note: outcome.note,
          occurredAt: new Date(outcome.at).toISOString(),
        },
      });
      if (outcome.result !== 'accepted') continue;
      const effect = effects[outcome.treatmentId];
      if (!effect) continue;
      const { customer } = outcome;
      const leaving =
        customer.cancelAt > outcome.at && customer.cancelAt < outcome.at + 120 * dayMs;
      if (leaving && draw.next() < effect.saves) customer.cancelAt = Infinity;
      const changed = effect.apply(customer, outcome.at, draw);
      if (Object.keys(changed).length > 0) {
        const id = customer.row.customerId;
        patches.set(id, { ...patches.get(id), ...changed });
        Object.assign(customer.row.attributes, changed);
      }
    }
    outcomes += recorded.length;
    if (patches.size > 0) {
      await db.query(
        `UPDATE customers c SET attributes = c.attributes || u.patch, updated_at = $3
         FROM unnest($1::text[], $2::jsonb[]) AS u (customer_id, patch)
         WHERE c.customer_id = u.customer_id`,
        [
          [...patches.keys()],
          [...patches.values()].map((patch) => JSON.stringify(patch)),
          new Date(dayStart + dayMs),
        ],
      );
    }
  }
  return { decisions, outcomes };
}

/** What an agent records for a decision's suggestions: offers, their answers, skipped ones. */
function outcomesOf(
  draw: Draw,
  actions: readonly NextBestAction[],
  base: { decisionId: string; agent: string; customer: DemoCustomer; at: number },
): Outcome[] {
  const style = agentStyles[base.agent] ?? usualStyle;
  const out: Outcome[] = [];
  actions.slice(0, 2).forEach((action, rank) => {
    const outcome = { ...base, treatmentId: action.treatmentId, kind: action.kind };
    const offered = draw.next() < style.offers * (rank === 0 ? 1 : 0.3);
    if (!offered) {
      // Skipped suggestions are recorded as not offered now and then, mostly the first one.
      if (rank === 0 && draw.next() < 0.4) {
        out.push({
          ...outcome,
          result: 'not_offered',
          note: noteFor(draw, style, 'any', 'not_offered'),
        });
      }
      return;
    }
    const effect = effects[action.treatmentId];
    const accepts = draw.next() < Math.min(0.95, (effect?.accept ?? 0.3) * style.skill);
    if (accepts) {
      out.push({
        ...outcome,
        result: 'accepted',
        note: noteFor(draw, style, action.kind, 'accepted'),
      });
    } else if (draw.next() < 0.85) {
      const reason = draw.weighted(declineReasons[action.kind] ?? declineReasons.education!);
      out.push({
        ...outcome,
        result: 'declined',
        reason,
        note: noteFor(draw, style, action.kind, 'declined'),
      });
    } else {
      // The customer will think about it.
      out.push({ ...outcome, result: 'offered' });
    }
  });
  return out;
}

function noteFor(
  draw: Draw,
  style: { notes: number },
  kind: string,
  result: 'accepted' | 'declined' | 'not_offered',
): string | undefined {
  const choices = notes[kind]?.[result];
  if (!choices || draw.next() >= style.notes) return undefined;
  return draw.pick(choices);
}
