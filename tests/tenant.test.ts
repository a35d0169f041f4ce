// The routing name of a key: nginx hashes it, so a wrong name sends a key to an instance that
// does not hold its state.
import { describe, expect, test } from 'bun:test';
import { tenantOf } from '../src/domain/tenant.ts';

describe('tenantOf', () => {
  test.each([
    ['tm_ada_s3cr3t', 'ada'],
    ['tm_team-7_x', 'team-7'],
    ['tm_ada_with_underscores_in_secret', 'ada'],
    [`tm_${'a'.repeat(40)}_x`, 'a'.repeat(40)],
  ])('an issued key %p belongs to its name %p', (key, tenant) => {
    expect(tenantOf(key)).toBe(tenant);
  });

  test.each([
    'demo',
    'cand-01',
    'tm_ada_', // no secret
    'tm__x', // no name
    'TM_ada_x', // the prefix is lower case
    'tm_Ada_x', // names are lower case
    `tm_${'a'.repeat(41)}_x`, // name too long
    'xtm_ada_x',
  ])('any other key %p is a tenant of its own', (key) => {
    expect(tenantOf(key)).toBe(key);
  });
});
