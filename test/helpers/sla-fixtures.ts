/** Monday to Friday, 09:00-17:00: the week most worked examples in the tests use. */
export const WEEKDAYS_9_TO_5: Record<string, [string, string][]> = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '17:00']]]),
);
