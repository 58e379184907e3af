import { describe, expect, it } from 'vitest';
import {
  farEnoughApart, impliedRiskItemMinimum, missingItems,
  bandOf, CORE10_S_DIFF, core10Rci, isCase, itemScores, MEASURES, reliableChange, riskItemAnswer, talkingTherapiesOutcome,
  totalOf,
} from '../../src/core/measure-scoring.js';

const { phq9, gad7, core10 } = MEASURES;

describe('PHQ-9 (Kroenke et al. 2001; NHS Talking Therapies)', () => {
  it('totals nine answers 0-3 with nothing reversed', () => {
    expect(totalOf(phq9, [0, 1, 2, 3, 0, 1, 2, 3, 0])).toBe(12);
    expect(totalOf(phq9, [3, 3, 3, 3, 3, 3, 3, 3, 3])).toBe(27);
  });

  it('puts every band edge in the right band', () => {
    // 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe
    const edges: [number, string][] = [
      [0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'],
      [15, 'moderately severe'], [19, 'moderately severe'], [20, 'severe'], [27, 'severe'],
    ];
    for (const [total, band] of edges) expect(bandOf(phq9, total), `total ${total}`).toBe(band);
  });

  it('counts a case at 10 and not at 9', () => {
    expect(isCase(phq9, 9)).toBe(false);
    expect(isCase(phq9, 10)).toBe(true);
  });

  it('calls a change of 6 points reliable, and of 5 not', () => {
    expect(reliableChange(phq9, 16, 10)).toBe('reliable_improvement'); // −6
    expect(reliableChange(phq9, 16, 11)).toBe('no_reliable_change'); // −5
    expect(reliableChange(phq9, 4, 10)).toBe('reliable_deterioration'); // +6
    expect(reliableChange(phq9, 4, 9)).toBe('no_reliable_change'); // +5
  });

  it('reads item 9 as the risk item, whatever the total', () => {
    expect(riskItemAnswer(phq9, [0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe(1);
    expect(riskItemAnswer(phq9, [3, 3, 3, 3, 3, 3, 3, 3, 0])).toBe(0);
    expect(riskItemAnswer(phq9, null)).toBeNull();
  });
});

describe('GAD-7 (Spitzer et al. 2006; NHS Talking Therapies)', () => {
  it('puts every band edge in the right band', () => {
    // 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe
    const edges: [number, string][] = [
      [0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'], [15, 'severe'], [21, 'severe'],
    ];
    for (const [total, band] of edges) expect(bandOf(gad7, total), `total ${total}`).toBe(band);
    expect(totalOf(gad7, [3, 3, 3, 3, 3, 3, 3])).toBe(21);
  });

  it('counts a case at 8 and not at 7', () => {
    expect(isCase(gad7, 7)).toBe(false);
    expect(isCase(gad7, 8)).toBe(true);
  });

  it('calls a change of 4 points reliable, and of 3 not', () => {
    expect(reliableChange(gad7, 12, 8)).toBe('reliable_improvement');
    expect(reliableChange(gad7, 12, 9)).toBe('no_reliable_change');
    expect(reliableChange(gad7, 5, 9)).toBe('reliable_deterioration');
    expect(reliableChange(gad7, 5, 8)).toBe('no_reliable_change');
  });

  it('has no risk item', () => {
    expect(riskItemAnswer(gad7, [3, 3, 3, 3, 3, 3, 3])).toBeNull();
  });
});

describe('CORE-10 (Barkham et al. 2013; Connell & Barkham 2007)', () => {
  it('reverse-scores items 2 and 3 (positively worded), and no other', () => {
    // Answers as ticked: item 2 "most or all of the time" (4) scores 0, item 3 "not at all" (0) scores 4.
    expect(itemScores(core10, [1, 4, 0, 1, 1, 1, 1, 1, 1, 1])).toEqual([1, 0, 4, 1, 1, 1, 1, 1, 1, 1]);
    // 1 + 0 + 4 + 7 × 1 = 12
    expect(totalOf(core10, [1, 4, 0, 1, 1, 1, 1, 1, 1, 1])).toBe(12);
    // All answers 0: items 2 and 3 score 4 each.
    expect(totalOf(core10, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(8);
    expect(totalOf(core10, [4, 0, 0, 4, 4, 4, 4, 4, 4, 4])).toBe(40);
  });

  it('puts every band edge in the right band', () => {
    // 0-5 healthy, 6-10 low level, 11-14 mild, 15-19 moderate, 20-24 moderate-to-severe, 25-40 severe
    const edges: [number, string][] = [
      [0, 'healthy'], [5, 'healthy'], [6, 'low level'], [10, 'low level'], [11, 'mild'], [14, 'mild'], [15, 'moderate'],
      [19, 'moderate'], [20, 'moderate-to-severe'], [24, 'moderate-to-severe'], [25, 'severe'], [40, 'severe'],
    ];
    for (const [total, band] of edges) expect(bandOf(core10, total), `total ${total}`).toBe(band);
  });

  it('counts a case at the clinical cut-off 11, not at 10', () => {
    expect(isCase(core10, 10)).toBe(false);
    expect(isCase(core10, 11)).toBe(true);
  });

  it('finds reliable change by the Jacobson-Truax index: 7 points on whole scores, not 6', () => {
    // S_diff = √2 · 7.7 · √(1 − .90) = 1.41421 · 7.7 · 0.31623 = 3.4435; 1.96 · 3.4435 = 6.7493
    expect(CORE10_S_DIFF).toBeCloseTo(3.4435, 4);
    expect(core10.reliableChange).toBeCloseTo(6.7493, 4);
    expect(core10Rci(20, 13)).toBeCloseTo(-2.0328, 4); // −7 / 3.4435
    expect(core10Rci(20, 14)).toBeCloseTo(-1.7424, 4); // −6 / 3.4435
    expect(reliableChange(core10, 20, 13)).toBe('reliable_improvement');
    expect(reliableChange(core10, 20, 14)).toBe('no_reliable_change');
    expect(reliableChange(core10, 8, 15)).toBe('reliable_deterioration');
    expect(reliableChange(core10, 8, 14)).toBe('no_reliable_change');
  });

  it('agrees with the Jacobson-Truax cut-off c between the norms', () => {
    // c = (SD_clin · M_norm + SD_norm · M_clin) / (SD_clin + SD_norm) = (7.7 · 4.7 + 4.8 · 19.7) / 12.5 = 10.46:
    // the first whole score above it is the published cut-off, 11.
    const c = (7.7 * 4.7 + 4.8 * 19.7) / (7.7 + 4.8);
    expect(c).toBeCloseTo(10.46, 2);
    expect(Math.ceil(c)).toBe(core10.caseness);
  });

  it('reads item 6 as the risk item', () => {
    expect(riskItemAnswer(core10, [0, 4, 4, 0, 0, 1, 0, 0, 0, 0])).toBe(1);
  });
});

describe('NHS Talking Therapies outcome of a PHQ-9 + GAD-7 course', () => {
  // Each case: first pair, last pair, then the flags in the order
  // [at caseness at start, recovery, reliable improvement, reliable deterioration, reliable recovery].
  const cases: [string, [number, number], [number, number], boolean[]][] = [
    ['case on both, below on both, both reliably better: reliable recovery', [16, 12], [6, 5], [true, true, true, false, true]],
    ['case on PHQ-9 only, below on both, PHQ-9 down 6: reliable recovery', [12, 5], [6, 5], [true, true, true, false, true]],
    ['case on GAD-7 only (8), below on both (7), GAD-7 down 1: recovery without reliable improvement', [4, 8], [4, 7], [true, true, false, false, false]],
    ['case at start, PHQ-9 down 6 but still 10: reliable improvement, no recovery', [16, 6], [10, 6], [true, false, true, false, false]],
    ['case at start, GAD-7 still 8 at the end: no recovery', [12, 12], [5, 8], [true, false, true, false, false]],
    ['PHQ-9 down 6 but GAD-7 up 4: neither improvement nor deterioration', [16, 4], [10, 8], [true, false, false, false, false]],
    ['not a case at start (9 and 7): no recovery even when lower at the end', [9, 7], [2, 2], [false, false, true, false, false]],
    ['not a case at start, then worse on both: reliable deterioration', [4, 3], [10, 7], [false, false, false, true, false]],
    ['case at start, GAD-7 up 4, PHQ-9 unchanged: reliable deterioration', [12, 8], [12, 12], [true, false, false, true, false]],
    ['case at start, changes below reliable (PHQ-9 −5, GAD-7 −3), below caseness: recovery only', [14, 10], [9, 7], [true, true, false, false, false]],
  ];
  for (const [title, [phq9First, gad7First], [phq9Last, gad7Last], expected] of cases) {
    it(title, () => {
      const outcome = talkingTherapiesOutcome({ phq9: phq9First, gad7: gad7First }, { phq9: phq9Last, gad7: gad7Last });
      expect([
        outcome.at_caseness_at_start, outcome.recovery, outcome.reliable_improvement, outcome.reliable_deterioration,
        outcome.reliable_recovery,
      ]).toEqual(expected);
    });
  }
});

describe('issue 21: what a total proves, re-test spacing and pro-rating', () => {
  it('proves the risk item from a total above the other items\' maximum', () => {
    // PHQ-9: the other 8 items score at most 8 · 3 = 24, so 25 → item 9 ≥ 1, 26 → ≥ 2, 27 → 3.
    expect([24, 25, 26, 27].map((total) => impliedRiskItemMinimum(MEASURES.phq9, total))).toEqual([0, 1, 2, 3]);
    // CORE-10: the other 9 items score at most 9 · 4 = 36 (reverse-scored ones too): 37 → item 6 ≥ 1.
    expect([36, 37, 40].map((total) => impliedRiskItemMinimum(MEASURES.core10, total))).toEqual([0, 1, 4]);
    expect(impliedRiskItemMinimum(MEASURES.gad7, 21)).toBeNull();
  });

  it('claims a change only between scores a recall period apart, in elapsed days rounded', () => {
    const at = (day: number, hour: number) => new Date(Date.UTC(2026, 2, day, hour)).toISOString();
    // 13 days 12 hours rounds to 14: far enough for the PHQ-9; 13 days 11 hours rounds to 13: not.
    expect(farEnoughApart(MEASURES.phq9, at(1, 0), at(14, 12))).toBe(true);
    expect(farEnoughApart(MEASURES.phq9, at(1, 0), at(14, 11))).toBe(false);
    expect(farEnoughApart(MEASURES.gad7, at(1, 10), at(1, 11))).toBe(false);
    expect(farEnoughApart(MEASURES.core10, at(1, 10), at(8, 9))).toBe(true);
  });

  it('pro-rates a CORE-10 with one item unanswered: the sum × 10 / 9, a half up', () => {
    // Answers 1,3,2,0,1,0,2,1,–,0 score 1+1+2+0+1+0+2+1+0 = 8: 80 / 9 = 8.89 → 9.
    expect(totalOf(MEASURES.core10, [1, 3, 2, 0, 1, 0, 2, 1, null, 0])).toBe(9);
    // Nine scores adding to 27 (items 2 and 3 answered 1: scores 3): 270 / 9 = 30 exactly.
    expect(totalOf(MEASURES.core10, [3, 1, 1, 3, 3, 3, 3, 3, null, 3])).toBe(30);
    // Scores 3,3,3,3,3,3,3,3,–,4 add to 28: 280 / 9 = 31.11 → 31. (Nine answers never give exactly a half.)
    expect(totalOf(MEASURES.core10, [3, 1, 1, 3, 3, 3, 3, 3, null, 4])).toBe(31);
    // Item 1 unanswered, items 2 and 3 answered 4 (scores 0): 9 → 10.
    expect(totalOf(MEASURES.core10, [null, 4, 4, 1, 1, 1, 1, 1, 1, 3])).toBe(10);
    expect(missingItems([1, null, 2])).toEqual([2]);
  });
});
