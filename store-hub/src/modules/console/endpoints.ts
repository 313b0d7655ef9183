/** Every console endpoint contract (node-free), for the hub's ENDPOINTS, OpenAPI and the typed client. */
import { assistanceEndpoints } from '../assistance/schemas';
import { auditEndpoints } from '../audit/schemas';
import { consoleAuthEndpoints } from '../console-auth/schemas';
import { deviceAdminEndpoints } from '../device-admin/schemas';
import { exitCheckEndpoints } from '../exit-checks/schemas';
import { orderReviewEndpoints } from '../order-review/schemas';
import { refundEndpoints } from '../refunds/schemas';
import { shiftEndpoints } from '../shifts/schemas';
import { consoleSyncEndpoints } from './schemas';

export const CONSOLE_ENDPOINTS = {
  ...consoleAuthEndpoints,
  ...deviceAdminEndpoints,
  ...assistanceEndpoints,
  // lookup before :id (express matches in order of binding)
  ...orderReviewEndpoints,
  ...refundEndpoints,
  ...shiftEndpoints,
  ...exitCheckEndpoints,
  ...auditEndpoints,
  ...consoleSyncEndpoints,
} as const;
