import { z } from 'zod';

/** A rejected form or API input: 422 with the offending field named. */
export class ValidationError extends Error {
  readonly status = 422;
  readonly code = 'validation_failed';
  constructor(readonly errors: { field: string; message: string }[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }

  static fromZod(error: z.ZodError): ValidationError {
    return new ValidationError(
      error.issues.map((i) => {
        const field = i.path.length
          ? i.path.join('.')
          : ((i as { keys?: string[] }).keys?.join(', ') ?? '(body)');
        return { field, message: i.message };
      }),
    );
  }
}

/** Parses input with a strict schema or throws a ValidationError naming each field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}
