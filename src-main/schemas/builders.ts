// TypeBox builders for request-body schemas: one declaration is both the JSON Schema ajv
// checks (and /openapi.json publishes) and, through Static, the type a handler receives.
// TypeBox's own Union/Literal/nullable forms emit anyOf or an extra `type`, which would change
// the error messages people read; these emit the plain keywords the messages are written for
// (validate.ts: "must be one of …", "must be a string or null") with the type TypeBox would give.
import { Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

export { Type, type Static, type TSchema };

/** The JSON keywords of a TypeBox schema, without its symbol-keyed bookkeeping. */
function keywordsOf(schema: TSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema));
}

/** `{enum: [...]}`, typed as the union of its values. */
export function Enum<const T extends readonly (string | number)[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, enum: [...values] });
}

/** `{const: value}` alone (Type.Literal adds a `type` that would answer first). */
export function Const<const T extends string>(value: T, options: SchemaOptions = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ ...options, const: value });
}

/** The schema's own keywords with `type: [<its type>, 'null']`, typed `T | null`. */
export function Nullable<T extends TSchema>(schema: T, options: SchemaOptions = {}): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...keywordsOf(schema), ...options, type: [schema.type, 'null'] });
}

/** `{oneOf: [...]}`: exactly one branch matches, typed as the union of the branches. */
export function OneOf<const T extends readonly TSchema[]>(branches: T, options: SchemaOptions = {}): TUnsafe<Static<T[number]>> {
  return Type.Unsafe<Static<T[number]>>({ ...options, oneOf: [...branches] });
}

/** Any JSON object (`{type: 'object'}`), its fields unknown. */
export function AnyObject(options: SchemaOptions = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ ...options, type: 'object' });
}

/** The same schema with another description (a field reused where it means something more). */
export function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}
