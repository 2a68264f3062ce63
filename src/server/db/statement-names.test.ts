import { describe, expect, it } from 'vitest';
import { readConfig } from '../config.ts';
import { StatementNames } from './statement-names.ts';

describe('StatementNames', () => {
  it('names a statement from its second sighting on, the same name every time', () => {
    const names = new StatementNames();
    expect(names.nameFor('SELECT $1')).toBeUndefined();
    const name = names.nameFor('SELECT $1');
    expect(name).toMatch(/^loopdesk_\d+$/);
    expect(names.nameFor('SELECT $1')).toBe(name);
    names.nameFor('SELECT $2');
    expect(names.nameFor('SELECT $2')).not.toBe(name);
  });

  it('stops naming new statements at its cap, keeping the names it gave', () => {
    const names = new StatementNames(2, 100);
    for (const sql of ['a', 'b', 'c']) {
      names.nameFor(sql);
      names.nameFor(sql);
    }
    expect(names.nameFor('a')).toBeDefined();
    expect(names.nameFor('b')).toBeDefined();
    expect(names.nameFor('c')).toBeUndefined();
  });
});

describe('LOOPDESK_PG_POOL_SIZE', () => {
  it('sets the pool size, 10 by default', () => {
    expect(readConfig({}).pgPoolSize).toBe(10);
    expect(readConfig({ LOOPDESK_PG_POOL_SIZE: '4' }).pgPoolSize).toBe(4);
  });

  it('refuses a size that is not a whole number of connections', () => {
    expect(() => readConfig({ LOOPDESK_PG_POOL_SIZE: '0' })).toThrow(/LOOPDESK_PG_POOL_SIZE/);
    expect(() => readConfig({ LOOPDESK_PG_POOL_SIZE: 'many' })).toThrow(/"many"/);
  });
});
