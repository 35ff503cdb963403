import { z } from 'zod';

/** The key of a calendar, policy or webhook: what documents and ladders refer to it by. */
export const configKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 of a-z, 0-9, _ and -, starting with a letter or digit');
