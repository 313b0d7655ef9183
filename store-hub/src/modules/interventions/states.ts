/**
 * Intervention states as data: which decision moves which kind from which status to which.
 * Age checks: P → A (approve) | R (reject). Help requests: P → closed (either decision).
 */
import type { InterventionKind, InterventionStatus } from './schemas';

export type Decision = 'approve' | 'reject';

export const INTERVENTION_TRANSITIONS: Record<
  InterventionKind,
  Partial<Record<InterventionStatus, Record<Decision, InterventionStatus>>>
> = {
  age_check: { P: { approve: 'A', reject: 'R' } },
  help: { P: { approve: 'closed', reject: 'closed' } },
};

/** The next status, or null when the intervention cannot take this decision (already decided). */
export function nextInterventionStatus(
  kind: InterventionKind,
  from: InterventionStatus,
  decision: Decision,
): InterventionStatus | null {
  return INTERVENTION_TRANSITIONS[kind][from]?.[decision] ?? null;
}

/** An age check that still counts for the basket (pending or approved). */
export const OPEN_AGE_CHECK: readonly InterventionStatus[] = ['P', 'A'];
export const isApproved = (s: InterventionStatus | undefined): boolean => s === 'A';
