/** Typed reads of untyped YAML values; every failure is a ConfigError naming the JSON path. */
import { ConfigError } from './errors.ts';
import type { DocumentRef } from './errors.ts';
import type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from './types.ts';

/** Where the values being read come from. */
export interface ReadContext {
  readonly source: string;
  readonly document: DocumentRef;
}

export type RawObject = Readonly<Record<string, unknown>>;

export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function fail(ctx: ReadContext, field: string, problem: string, value?: { value: unknown }): never {
  const located = { source: ctx.source, document: ctx.document, field, problem };
  throw new ConfigError(value === undefined ? located : { ...located, value: value.value });
}

export function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(ctx: ReadContext, value: unknown, path: string): RawObject {
  if (!isObject(value)) fail(ctx, path, 'is not a mapping', { value });
  return value;
}

/** A mapping field; an absent or null field reads as an empty mapping. */
export function objectField(ctx: ReadContext, obj: RawObject, path: string, key: string): RawObject {
  const value = obj[key];
  return value === undefined || value === null ? {} : asObject(ctx, value, fieldPath(path, key));
}

export function optionalString(
  ctx: ReadContext,
  obj: RawObject,
  path: string,
  key: string,
): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(ctx, fieldPath(path, key), 'is not a string', { value });
  return value;
}

export function requiredString(ctx: ReadContext, obj: RawObject, path: string, key: string): string {
  const value = optionalString(ctx, obj, path, key);
  if (value === undefined || value === '') fail(ctx, fieldPath(path, key), 'is required');
  return value;
}

export function optionalBoolean(
  ctx: ReadContext,
  obj: RawObject,
  path: string,
  key: string,
  fallback: boolean,
): boolean {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean')
    fail(ctx, fieldPath(path, key), 'is not a boolean (true or false)', { value });
  return value;
}

/** A list field; an absent or null field reads as an empty list. */
export function arrayField(ctx: ReadContext, obj: RawObject, path: string, key: string): readonly unknown[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(ctx, fieldPath(path, key), 'is not a list', { value });
  return value;
}

export function stringList(ctx: ReadContext, obj: RawObject, path: string, key: string): readonly string[] {
  const listPath = fieldPath(path, key);
  const seen = new Set<string>();
  return arrayField(ctx, obj, path, key).map((value, i) => {
    if (typeof value !== 'string' || value === '')
      fail(ctx, fieldPath(listPath, i), 'is not a non-empty string', { value });
    if (seen.has(value)) fail(ctx, fieldPath(listPath, i), 'is listed twice', { value });
    seen.add(value);
    return value;
  });
}

/** The one empty mapping: most objects have no labels or annotations, and models are frozen. */
const NO_ENTRIES: Readonly<Record<string, string>> = Object.freeze({});

/** A string-to-string mapping such as labels or annotations. */
export function stringMap(
  ctx: ReadContext,
  obj: RawObject,
  path: string,
  key: string,
): Readonly<Record<string, string>> {
  const mapPath = fieldPath(path, key);
  const entries = Object.entries(objectField(ctx, obj, path, key));
  if (entries.length === 0) return NO_ENTRIES;
  for (const [name, value] of entries) {
    if (typeof value !== 'string')
      fail(ctx, fieldPath(mapPath, name), 'is not a string (quote it)', { value });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export function rejectUnknownKeys(
  ctx: ReadContext,
  obj: RawObject,
  path: string,
  known: readonly string[],
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key))
      fail(ctx, fieldPath(path, key), `is not a known field (known: ${known.join(', ')})`);
  }
}

const operators: readonly LabelSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function requirement(ctx: ReadContext, value: unknown, path: string): LabelSelectorRequirement {
  const obj = asObject(ctx, value, path);
  rejectUnknownKeys(ctx, obj, path, ['key', 'operator', 'values']);
  const key = requiredString(ctx, obj, path, 'key');
  const operator = requiredString(ctx, obj, path, 'operator');
  if (!operators.includes(operator as LabelSelectorOperator)) {
    fail(ctx, fieldPath(path, 'operator'), `is not one of ${operators.join(', ')}`, { value: operator });
  }
  const values = stringList(ctx, obj, path, 'values');
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && values.length === 0)
    fail(ctx, fieldPath(path, 'values'), `must not be empty for ${operator}`);
  if (!needsValues && values.length > 0) {
    fail(ctx, fieldPath(path, 'values'), `must be empty for ${operator}`, { value: values });
  }
  return { key, operator: operator as LabelSelectorOperator, values };
}

export function labelSelector(ctx: ReadContext, value: unknown, path: string): LabelSelector {
  const obj = asObject(ctx, value, path);
  rejectUnknownKeys(ctx, obj, path, ['matchLabels', 'matchExpressions']);
  const matchExpressionsPath = fieldPath(path, 'matchExpressions');
  return {
    matchLabels: stringMap(ctx, obj, path, 'matchLabels'),
    matchExpressions: arrayField(ctx, obj, path, 'matchExpressions').map((item, i) =>
      requirement(ctx, item, fieldPath(matchExpressionsPath, i)),
    ),
  };
}

export function labelSelectorList(
  ctx: ReadContext,
  obj: RawObject,
  path: string,
  key: string,
): readonly LabelSelector[] {
  const listPath = fieldPath(path, key);
  return arrayField(ctx, obj, path, key).map((item, i) => labelSelector(ctx, item, fieldPath(listPath, i)));
}
