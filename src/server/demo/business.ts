import type { CustomerRow } from '../imports/rows.ts';
import type { Draw } from './prng.ts';

/*
 * The demo business: a broadband and phone provider, in the vocabulary of the Telco customer
 * churn data the demo catalogue (src/nba/demo-catalogue.ts) is written in. Customers subscribe
 * to services on a contract, are billed on the first of every month, top up prepaid mobile
 * credit at their own pace, now and then buy equipment or a pay-per-view event, and cancel at a
 * monthly rate that depends on what they have.
 */

export const dayMs = 86_400_000;

type Contract = 'Month-to-month' | 'One year' | 'Two year';
type InternetService = 'Fiber optic' | 'DSL' | 'No';
type PaymentMethod =
  'Electronic check' | 'Mailed check' | 'Bank transfer (automatic)' | 'Credit card (automatic)';
type YesNo = 'Yes' | 'No';

/** What a customer subscribes to: the attributes the catalogue's rules read, spelled as they compare. */
export interface Subscription {
  Contract: Contract;
  InternetService: InternetService;
  PhoneService: YesNo;
  MultipleLines: YesNo | 'No phone service';
  OnlineSecurity: YesNo | 'No internet service';
  OnlineBackup: YesNo | 'No internet service';
  DeviceProtection: YesNo | 'No internet service';
  TechSupport: YesNo | 'No internet service';
  StreamingTV: YesNo | 'No internet service';
  StreamingMovies: YesNo | 'No internet service';
  PaperlessBilling: YesNo;
  PaymentMethod: PaymentMethod;
  /** Whether the customer uses the self-service app. */
  AppUser: YesNo;
}

/** The attributes the demo's churn model learns from (the rest only describe the customer). */
export const churnAttributes = [
  'Contract',
  'InternetService',
  'OnlineSecurity',
  'TechSupport',
  'PaymentMethod',
  'PaperlessBilling',
] as const;

const yes = (draw: Draw, share: number): YesNo => (draw.next() < share ? 'Yes' : 'No');

export function drawSubscription(draw: Draw): Subscription {
  const internet = draw.weighted<InternetService>([
    ['Fiber optic', 44],
    ['DSL', 34],
    ['No', 22],
  ]);
  const phone: YesNo = internet === 'No' ? 'Yes' : yes(draw, 0.88);
  const addOn = (share: number) => (internet === 'No' ? 'No internet service' : yes(draw, share));
  return {
    Contract: draw.weighted<Contract>([
      ['Month-to-month', 55],
      ['One year', 21],
      ['Two year', 24],
    ]),
    InternetService: internet,
    PhoneService: phone,
    MultipleLines: phone === 'No' ? 'No phone service' : yes(draw, 0.45),
    OnlineSecurity: addOn(0.33),
    OnlineBackup: addOn(0.38),
    DeviceProtection: addOn(0.38),
    TechSupport: addOn(0.33),
    StreamingTV: addOn(0.45),
    StreamingMovies: addOn(0.45),
    PaperlessBilling: yes(draw, 0.59),
    PaymentMethod: draw.weighted<PaymentMethod>([
      ['Electronic check', 34],
      ['Mailed check', 23],
      ['Bank transfer (automatic)', 22],
      ['Credit card (automatic)', 21],
    ]),
    AppUser: yes(draw, 0.45),
  };
}

/** The monthly price of a subscription, in dollars (list prices; bills vary a little with usage). */
export function monthlyCharge(s: Subscription): number {
  let charge = 0;
  if (s.PhoneService === 'Yes') charge += s.MultipleLines === 'Yes' ? 25 : 20;
  if (s.InternetService === 'DSL') charge += 30;
  if (s.InternetService === 'Fiber optic') charge += 55;
  for (const addOn of [s.OnlineSecurity, s.OnlineBackup, s.DeviceProtection, s.TechSupport]) {
    if (addOn === 'Yes') charge += 5;
  }
  for (const streaming of [s.StreamingTV, s.StreamingMovies]) if (streaming === 'Yes') charge += 10;
  return charge;
}

/**
 * The chance of cancelling in a month: month-to-month contracts, fibre without security or
 * support, paying by electronic check and the first half year all raise it, as in the Telco data.
 */
function monthlyCancelHazard(s: Subscription, tenureMonths: number): number {
  let hazard = { 'Month-to-month': 0.045, 'One year': 0.008, 'Two year': 0.003 }[s.Contract];
  if (s.InternetService === 'Fiber optic') hazard *= 1.6;
  if (s.InternetService === 'No') hazard *= 0.5;
  if (s.OnlineSecurity === 'No') hazard *= 1.3;
  if (s.TechSupport === 'No') hazard *= 1.3;
  if (s.PaymentMethod === 'Electronic check') hazard *= 1.6;
  if (tenureMonths < 6) hazard *= 1.8;
  return Math.min(hazard, 0.5);
}

/** The first of each month after `from`, up to and including `to` (UTC). */
export function billingDays(from: number, to: number): number[] {
  const days: number[] = [];
  const date = new Date(from);
  let next = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  while (next <= to) {
    days.push(next);
    const d = new Date(next);
    next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return days;
}

/** When a customer who joined at `joinedAt` would cancel if nothing is done (Infinity: never, in view). */
export function naturalCancellation(
  draw: Draw,
  s: Subscription,
  joinedAt: number,
  until: number,
): number {
  let month = 0;
  for (let at = joinedAt; at < until; at += 30.44 * dayMs, month += 1) {
    if (draw.next() < monthlyCancelHazard(s, month)) return at + draw.next() * 30 * dayMs;
  }
  return Infinity;
}

/** Prepaid mobile top-ups, in dollars, by how common they are. */
export const topUps = [
  [10, 3],
  [15, 2],
  [20, 3],
  [30, 1],
] as const;

/** One-off purchases a customer of this business makes besides the monthly bill. */
export const extras = [
  ['Wi-Fi mesh extender', 129],
  ['Replacement router', 79],
  ['Cordless phone handset', 49],
  ['Pay-per-view event', 14.99],
] as const;

/** A demo customer as generated: their row, what they subscribe to, and their future. */
export interface DemoCustomer {
  row: CustomerRow;
  subscription: Subscription;
  joinedAt: number;
  /** When they cancel (Infinity: not before the as-of day); the team's work may move it. */
  cancelAt: number;
  /** Usage on top of the list price, as a factor: some customers call and stream more. */
  usage: number;
  /** Changes to the monthly bill from the team's work: a discount, an add-on, a credit. */
  billChanges: { from: number; until: number; amount: number }[];
  /** One-off purchases: equipment, events, an installation fee. */
  purchases: { at: number; amount: number }[];
}
