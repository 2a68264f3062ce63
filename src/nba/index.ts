/** Next-best-action engine: pure functions, data in, decisions out. */
export * from './conditions-schema.ts';
export * from './schemas.ts';
export * from './validation.ts';
export * from './facts.ts';
export * from './evaluate-conditions.ts';
export * from './eligibility.ts';
export * from './propensity.ts';
export * from './reason.ts';
export * from './rule-set.ts';
export * from './arbitration.ts';
export * from './routing.ts';
export * from './version.ts';
export * from './uplift.ts';
export * from './rng.ts';
export * from './demo-catalogue.ts';
