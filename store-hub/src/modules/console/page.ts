/** Query fields every paged console list takes (node-free: the schemas reach the browser client). */
import { z } from 'zod';

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The previous page's `next_cursor`; absent for the first page. */
  cursor: z.string().max(512).optional(),
};
