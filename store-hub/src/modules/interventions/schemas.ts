import { z } from 'zod';
import { endpoint } from '../../platform/http/contract';

export const INTERVENTION_KINDS = ['age_check', 'help'] as const;
/** P pending, A approved, R rejected (age checks); closed (help requests). See ./states.ts. */
export const INTERVENTION_STATUSES = ['P', 'A', 'R', 'closed'] as const;
export type InterventionKind = (typeof INTERVENTION_KINDS)[number];
export type InterventionStatus = (typeof INTERVENTION_STATUSES)[number];

export const interventionSchema = z.object({
  intervention_id: z.string(),
  basket_id: z.string().nullable(),
  device_id: z.string(),
  kind: z.enum(INTERVENTION_KINDS),
  status: z.enum(INTERVENTION_STATUSES),
  code: z.string().nullable(),
  reason: z.string(),
  reviewer_user_id: z.string().nullable(),
  /** JSON array of the line ids a rejection removed (text, as stored). */
  removed_line_ids: z.string().nullable(),
  created_at: z.string(),
  decided_at: z.string().nullable(),
});
export type Intervention = z.output<typeof interventionSchema>;

/** The age check of a basket as the kiosk sees it. */
export const approvalSchema = z.object({
  intervention_id: z.string(),
  status: z.enum(INTERVENTION_STATUSES),
  code: z.string().nullable(),
  created_at: z.string(),
  decided_at: z.string().nullable(),
});
export type Approval = z.output<typeof approvalSchema>;

export const helpSchema = z.object({
  reason: z.string().max(200).default('help requested'),
  basket_id: z.string().min(1).max(64).optional(),
  basket_version: z.number().int().min(0).optional(),
});
export const decideSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(200).optional(),
});
export const listQuerySchema = z.object({ status: z.enum(INTERVENTION_STATUSES).optional() });
const idParams = z.object({ id: z.string().min(1).max(64) });

export const interventionEndpoints = {
  requestHelp: endpoint({
    id: 'requestHelp',
    method: 'post',
    path: '/v1/help-requests',
    summary: 'call staff to this kiosk',
    auth: 'device',
    idempotency: 'required',
    body: helpSchema.default({ reason: 'help requested' }),
    response: interventionSchema,
    status: [201],
    errors: ['NOT_FOUND'],
  }),
  listInterventions: endpoint({
    id: 'listInterventions',
    method: 'get',
    path: '/v1/interventions',
    summary: 'interventions, oldest first when filtered by status, else the latest 200',
    auth: 'staff',
    idempotency: 'none',
    query: listQuerySchema,
    response: z.array(interventionSchema),
    status: [200],
    errors: [],
  }),
  decideIntervention: endpoint({
    id: 'decideIntervention',
    method: 'post',
    path: '/v1/interventions/:id/decide',
    summary:
      'approve or reject an age check (a rejection removes the restricted lines), close a help request',
    auth: 'staff',
    idempotency: 'optional',
    params: idParams,
    body: decideSchema,
    response: interventionSchema,
    status: [200],
    errors: ['NOT_FOUND', 'ALREADY_DECIDED', 'PERMISSION_DENIED'],
  }),
} as const;
