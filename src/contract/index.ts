export * from './customer-ref.ts';
export * from './insights.ts';
export * from './outcome.ts';
export * from './problem.ts';
export * from './timestamps.ts';
