import type { Condition } from './conditions-schema.ts';
import type { EligibilityRule, RoutingConfig, RuleSet, Treatment } from './schemas.ts';

/*
 * The demo catalogue that `npm start` seeds: a broadband and phone provider, the business the
 * demo customers belong to (src/server/demo/seed.ts). Attribute names and values follow the Telco
 * churn data (Contract, InternetService, OnlineSecurity, TechSupport, PaymentMethod), plus
 * AppUser (whether the customer uses the self-service app); contact reasons are the helpdesk's
 * codes (complaint, billing, technical, outage, cancellation; sales for inbound sales calls).
 */

const demoTreatments: Treatment[] = [
  {
    id: 'retention-loyalty-discount',
    kind: 'retention',
    name: 'Loyalty discount',
    script:
      "I can see you've been with us for a while, and I want to make sure you're getting the best deal. I can take 20% off your monthly bill for the next six months, starting today. Shall I set that up for you?",
    businessValue: 600,
    lever: 1,
    active: true,
    cooldownDays: 60,
    maxContactsPer30Days: 1,
    prior: { propensity: 0.25, evidenceWeight: 10 },
  },
  {
    id: 'retention-annual-plan',
    kind: 'retention',
    name: 'Price-locked annual plan',
    script:
      "If you move to a one-year plan, I can lock your current price for twelve months and add a free month on top. It's the best value we offer. Would that work for you?",
    businessValue: 900,
    lever: 1,
    active: true,
    cooldownDays: 45,
    maxContactsPer30Days: 1,
    prior: { propensity: 0.15, evidenceWeight: 10 },
  },
  {
    id: 'service-recovery-credit',
    kind: 'service-recovery',
    name: 'Apology and service credit',
    script:
      "I'm sorry about the trouble you've had recently; that's not the service we want you to have. I've added a credit of one month's service to your account, and I've noted what went wrong so it gets fixed.",
    businessValue: 400,
    lever: 1.2,
    active: true,
    cooldownDays: 30,
    maxContactsPer30Days: 1,
    prior: { propensity: 0.6, evidenceWeight: 10 },
  },
  {
    id: 'service-recovery-specialist-callback',
    kind: 'service-recovery',
    name: 'Senior specialist call-back',
    script:
      'I want to get this fully sorted for you. I can book a call-back from a senior specialist who will stay with it until it is resolved. What time suits you best?',
    businessValue: 250,
    lever: 1,
    active: true,
    cooldownDays: 7,
    maxContactsPer30Days: 2,
    prior: { propensity: 0.5, evidenceWeight: 8 },
  },
  {
    id: 'cross-sell-online-security',
    kind: 'cross-sell',
    name: 'Online Security add-on',
    script:
      'Since you have our internet service, you might like the Online Security add-on: it blocks scam and malicious sites on all your devices for a small monthly fee, and the first month is free. Would you like me to add it?',
    businessValue: 120,
    lever: 1,
    active: true,
    cooldownDays: 30,
    maxContactsPer30Days: 2,
    prior: { propensity: 0.12, evidenceWeight: 10 },
  },
  {
    id: 'cross-sell-tech-support',
    kind: 'cross-sell',
    name: 'Tech Support plan',
    script:
      'Our Tech Support plan gives you priority help by phone and chat, and an engineer visit if anything goes wrong with your equipment. Would you like to try it free for the first month?',
    businessValue: 100,
    lever: 1,
    active: true,
    cooldownDays: 30,
    maxContactsPer30Days: 2,
    prior: { propensity: 0.1, evidenceWeight: 10 },
  },
  {
    id: 'up-sell-fiber-upgrade',
    kind: 'up-sell',
    name: 'Fibre upgrade',
    script:
      'Fibre is now available at your address. It is several times faster than your current line, and for long-standing customers the first three months stay at your current price. Shall I book the upgrade?',
    businessValue: 300,
    lever: 1,
    active: true,
    cooldownDays: 60,
    maxContactsPer30Days: 1,
    prior: { propensity: 0.08, evidenceWeight: 10 },
  },
  {
    id: 'education-autopay',
    kind: 'education',
    name: 'Automatic payment tip',
    script:
      "A quick tip: if you switch to automatic payment by card or bank transfer, you'll never miss a due date and there's no paper-bill fee. I can set it up now in under a minute, if you like.",
    businessValue: 40,
    lever: 1,
    active: true,
    cooldownDays: 90,
    maxContactsPer30Days: 1,
    prior: { propensity: 0.3, evidenceWeight: 10 },
  },
  {
    id: 'education-self-service-app',
    kind: 'education',
    name: 'Self-service app',
    script:
      'Have you tried our app yet? You can check your usage, pay bills and report faults at any time. I can text you the download link right now.',
    businessValue: 20,
    lever: 1,
    active: true,
    cooldownDays: 60,
    maxContactsPer30Days: 1,
    prior: { propensity: 0.35, evidenceWeight: 10 },
  },
];

/** The deep discount costs real money: only for customers worth keeping at that price. */
const valuableEnoughForDiscount: Condition = {
  field: 'valueTier',
  in: ['silver', 'gold', 'platinum'],
};

const askedToCancel: Condition = {
  field: 'recentContacts',
  withinDays: 7,
  reasons: ['cancellation'],
  minCount: 1,
};

const monthToMonth: Condition = {
  field: 'attribute',
  name: 'Contract',
  in: ['Month-to-month'],
  label: 'month-to-month contract',
};

const noRecentComplaint: Condition = {
  field: 'recentContacts',
  withinDays: 30,
  reasons: ['complaint'],
  maxCount: 0,
};

const demoRules: EligibilityRule[] = [
  {
    id: 'gap-complaint-high-value-at-risk',
    treatmentId: 'service-recovery-credit',
    name: 'Complaint from a high-value customer at risk: recover first',
    active: true,
    contextWeight: 3,
    conditions: [
      { field: 'valueTier', in: ['gold', 'platinum'] },
      { field: 'churnBand', in: ['medium', 'high'] },
      { field: 'recentContacts', withinDays: 30, reasons: ['complaint'], minCount: 1 },
    ],
  },
  {
    id: 'recovery-low-csat',
    treatmentId: 'service-recovery-credit',
    name: 'Recent poor satisfaction',
    active: true,
    contextWeight: 1.5,
    conditions: [{ field: 'recentCsat', withinDays: 30, stat: 'avg', max: 2.5 }],
  },
  {
    id: 'callback-repeat-caller',
    treatmentId: 'service-recovery-specialist-callback',
    name: 'Repeat caller (3+ contacts in 14 days)',
    active: true,
    contextWeight: 2,
    conditions: [{ field: 'recentContacts', withinDays: 14, minCount: 3 }],
  },
  {
    id: 'callback-technical-trouble',
    treatmentId: 'service-recovery-specialist-callback',
    name: 'Repeated technical trouble',
    active: true,
    contextWeight: 1.5,
    conditions: [
      { field: 'recentContacts', withinDays: 14, reasons: ['technical', 'outage'], minCount: 2 },
    ],
  },
  {
    id: 'retention-discount-high-risk',
    treatmentId: 'retention-loyalty-discount',
    name: 'High risk on a month-to-month contract',
    active: true,
    contextWeight: 1.5,
    conditions: [valuableEnoughForDiscount, { field: 'churnBand', in: ['high'] }, monthToMonth],
  },
  {
    id: 'retention-discount-cancellation-intent',
    treatmentId: 'retention-loyalty-discount',
    name: 'Valuable customer asking to cancel',
    active: true,
    contextWeight: 2,
    conditions: [valuableEnoughForDiscount, askedToCancel],
  },
  {
    id: 'retention-discount-slipping-segment',
    treatmentId: 'retention-loyalty-discount',
    name: 'Valuable segment slipping away',
    active: true,
    contextWeight: 1.2,
    conditions: [
      valuableEnoughForDiscount,
      { field: 'segment', in: ['At risk', "Can't lose them", 'About to sleep'] },
      { field: 'churnProbability', min: 0.4 },
    ],
  },
  {
    id: 'retention-annual-plan-medium-risk',
    treatmentId: 'retention-annual-plan',
    name: 'Month-to-month, some risk, past the first three months',
    active: true,
    conditions: [
      monthToMonth,
      { field: 'churnBand', in: ['medium', 'high'] },
      { field: 'tenureDays', min: 90 },
    ],
  },
  {
    id: 'retention-annual-plan-cancellation-intent',
    treatmentId: 'retention-annual-plan',
    name: 'Month-to-month customer asking to cancel',
    active: true,
    contextWeight: 1.5,
    conditions: [monthToMonth, askedToCancel],
  },
  {
    id: 'cross-sell-security-internet-no-security',
    treatmentId: 'cross-sell-online-security',
    name: 'Internet without Online Security, content customer',
    active: true,
    conditions: [
      { field: 'attribute', name: 'InternetService', notIn: ['No'], label: 'has internet' },
      { field: 'attribute', name: 'OnlineSecurity', equals: 'No', label: 'no Online Security' },
      { field: 'churnBand', in: ['low', 'medium'] },
      noRecentComplaint,
    ],
  },
  {
    id: 'cross-sell-tech-support-internet-no-support',
    treatmentId: 'cross-sell-tech-support',
    name: 'Internet without Tech Support, content customer',
    active: true,
    conditions: [
      { field: 'attribute', name: 'InternetService', notIn: ['No'], label: 'has internet' },
      { field: 'attribute', name: 'TechSupport', equals: 'No', label: 'no Tech Support' },
      { field: 'churnBand', in: ['low', 'medium'] },
      noRecentComplaint,
    ],
  },
  {
    id: 'up-sell-fiber-loyal-dsl',
    treatmentId: 'up-sell-fiber-upgrade',
    name: 'Loyal DSL customer, low risk',
    active: true,
    conditions: [
      { field: 'segment', in: ['Champions', 'Loyal', 'Potential loyalist'] },
      { field: 'attribute', name: 'InternetService', equals: 'DSL', label: 'on DSL' },
      { field: 'churnBand', in: ['low'] },
      noRecentComplaint,
    ],
  },
  {
    id: 'education-autopay-paper-payers',
    treatmentId: 'education-autopay',
    name: 'Pays by check',
    active: true,
    conditions: [
      {
        field: 'attribute',
        name: 'PaymentMethod',
        in: ['Electronic check', 'Mailed check'],
        label: 'pays by check',
      },
    ],
  },
  {
    id: 'education-app-new-customers',
    treatmentId: 'education-self-service-app',
    name: 'New customer (first 90 days)',
    active: true,
    conditions: [{ field: 'tenureDays', max: 90 }],
  },
  {
    id: 'education-app-not-using',
    treatmentId: 'education-self-service-app',
    name: 'Does not use the app yet',
    active: true,
    conditions: [{ field: 'attribute', name: 'AppUser', equals: 'No', label: 'not using the app' }],
  },
];

export const demoRuleSet: RuleSet = { treatments: demoTreatments, rules: demoRules };

export const demoRoutingConfig: RoutingConfig = {
  rules: [
    {
      id: 'cancellation-intent',
      name: 'Asked to cancel in the last 7 days',
      active: true,
      conditions: [
        { field: 'recentContacts', withinDays: 7, reasons: ['cancellation'], minCount: 1 },
      ],
      hint: { priority: 'urgent', skill: 'retention-desk', reason: 'Cancellation intent' },
    },
    {
      id: 'high-value-high-risk',
      name: 'High value at high churn risk',
      active: true,
      conditions: [
        { field: 'valueTier', in: ['gold', 'platinum'] },
        { field: 'churnBand', in: ['high'] },
      ],
      hint: { priority: 'high', skill: 'retention-desk', reason: 'Retention desk' },
    },
    {
      id: 'repeat-caller',
      name: 'Repeat caller (3+ contacts in 14 days)',
      active: true,
      conditions: [{ field: 'recentContacts', withinDays: 14, minCount: 3 }],
      hint: { priority: 'high', skill: 'senior-agent', reason: 'Repeat caller' },
    },
    {
      id: 'very-unhappy',
      name: 'A recent contact rated 1 or 2',
      active: true,
      conditions: [{ field: 'recentCsat', withinDays: 30, stat: 'min', max: 2 }],
      hint: { priority: 'high', skill: 'senior-agent', reason: 'Recently unhappy' },
    },
  ],
  fallback: { priority: 'normal', skill: 'general', reason: 'No special handling needed' },
};
