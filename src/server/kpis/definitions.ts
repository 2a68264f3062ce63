import type { KpiName } from '../../contract/supervisor.ts';
import { defectionSaveDays } from './queries.ts';

/** What each KPI means, shown on hover in the workspace and returned with every report. */
export const kpiDefinitions: Record<KpiName, { label: string; definition: string }> = {
  csat: {
    label: 'CSAT',
    definition: 'Share of surveyed contacts (CSAT given) in the period rated 4 or 5 out of 5.',
  },
  firstContactResolution: {
    label: 'First-contact resolution',
    definition:
      'Share of contacts in the period marked resolved on first contact with no further ' +
      'contact from the same customer within 7 days after it started.',
  },
  repeatContactRate: {
    label: 'Repeat-contact rate',
    definition:
      'Share of contacts in the period followed by another contact from the same customer ' +
      'within 7 days.',
  },
  defectionSaves: {
    label: 'Defection saves',
    definition:
      'At-risk customers (churn band medium or high in their latest scores before the ' +
      `decision) offered a retention treatment who accepted and were still active ${defectionSaveDays} days ` +
      `later (a purchase or a contact ${defectionSaveDays} or more days after accepting), over at-risk ` +
      `customers offered one. Only decisions at least ${defectionSaveDays} days old count.`,
  },
  serviceToSales: {
    label: 'Service-to-sales conversion',
    definition:
      'Share of service contacts (reason not about sales) where the customer accepted a ' +
      'cross-sell or up-sell treatment on a decision made from 1 hour before to 4 hours after ' +
      'the contact started.',
  },
  crossUpSellRatio: {
    label: 'Cross/up-sell ratio',
    definition: 'Accepted cross-sell and up-sell offers over cross-sell and up-sell offers made.',
  },
  offerRate: {
    label: 'Offer rate',
    definition:
      'Suggestions shown to CSRs (top 3 per decision, control group excluded) that were ' +
      'offered (outcome offered, accepted or declined) over all suggestions shown.',
  },
  uplift: {
    label: 'Uplift',
    definition:
      'Share of decisions with suggestions after which the customer bought within 30 days, ' +
      'minus the same share for control-group decisions (suggestions withheld). Only ' +
      'decisions at least 30 days old count; 95% interval by normal approximation.',
  },
};
