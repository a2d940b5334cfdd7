// What a form page is told about the fields that were wrong: the list for the
// error summary (each with the field to link to and the message's key) and,
// by field, the message to show beside it. No errors: both empty.

export interface FieldError<F extends string = string> {
  readonly field: F;
  /** The interface string's key. */
  readonly key: string;
}

export function formErrors<F extends string>(errors: readonly FieldError<F>[] = []): { errors: readonly FieldError<F>[]; errorFor: Partial<Record<F, string>> } {
  return { errors, errorFor: Object.fromEntries(errors.map((e) => [e.field, e.key])) as Partial<Record<F, string>> };
}
