/** The promotions engine (spec/promotions.md). */
export { evaluate, evaluateDetailed, EvaluateRequestError } from './evaluate';
export type { EvaluateOptions, Evaluation } from './evaluate';
export { createPromotionSet, PromotionSet } from './promotion-set';
export { validatePromotions, PromotionValidationError, generateShortCode } from './validation';
export type { ValidationIssue, ValidationResult } from './validation';
export { promotionSchema } from './schema';
export type { PromotionInput } from './schema';
export { evaluateRequestSchema } from './request';
export type { EvaluateRequestInput } from './request';
export type {
  EvaluationResult,
  LineResult,
  UnitResult,
  AppliedRecord,
  SuggestionResult,
  UnitRole,
} from './response';
export type { ClusterReport } from './pipeline';
export type { OptimiserOptions } from './optimiser';
export type { Promotion, Family, Candidate, TenantFlags } from './types';
