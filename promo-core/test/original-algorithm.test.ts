/**
 * The original's best-discount method, as `original_algorithm_discount` reports it (issue 9):
 * its own permutation order and its own marginal-value ranking, not the search's answer.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateDetailed } from '../src';
import { lexicographicPermutations } from '../src/promotions/original';
import { group, line, promo, request } from './support/promotions';

describe('the original algorithm', () => {
  it('tries permutations in the order of itertools.permutations', () => {
    const seen = [...lexicographicPermutations(3)].map((p) => [...p].join(''));
    // the generator reuses one array: copies taken as it yields
    const copies: string[] = [];
    for (const p of lexicographicPermutations(3)) copies.push(p.join(''));
    expect(copies).toEqual(['012', '021', '102', '120', '201', '210']);
    expect(seen).toHaveLength(6);
    expect([...lexicographicPermutations(6)]).toHaveLength(720);
  });

  it('above 6 promotions ranks by marginal value and can find less than the proven optimum', () => {
    // Seven Easy promotions over three units: 9.00 for all three, or 4.00, 3.50, 3.00, … for
    // one unit each. The best is the three largest singles (10.50); marginal value ranks the
    // 9.00 first (it loses 9.00 per shared unit, the singles lose nothing) and gets 9.00.
    const promos = [
      promo({
        id: 'P0',
        evaluate_criteria: 'b',
        discount_type: 'v',
        discount_type_strategy: 'a',
        discount_value: '9.00',
        groups: [group('g1', 3, ['A'])],
      }),
      ...['4.00', '3.50', '3.00', '2.50', '2.00', '1.50'].map((value, i) =>
        promo({
          id: `P${i + 1}`,
          evaluate_criteria: 'b',
          discount_type: 'v',
          discount_type_strategy: 'e',
          discount_value: value,
          groups: [group('g1', 1, ['A'])],
        }),
      ),
    ];
    const req = request([line('A', '10.00', 3)]);
    const { result } = evaluateDetailed(req, promos);
    const c = result.clusters[0]!;
    expect(c.provenOptimal).toBe(true);
    expect(c.originalAlgorithm).toBe('marginal_value');
    expect(c.discount).toBe(1050n);
    expect(c.originalAlgorithmDiscount).toBe(900n);
    // the wire response carries the same figure
    const wire = evaluate(req, promos).best_discount_clusters[0];
    expect(wire.original_algorithm_discount).toBe('9.000');
    expect(wire.discount).toBe('10.500');
  });
});
