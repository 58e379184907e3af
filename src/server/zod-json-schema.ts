import { z } from 'zod/v3';

/**
 * The JSON Schema of an input the core validates with zod's v3 API (src/core/schemas.ts: it loads
 * faster, see there), for the OpenAPI description: zod 4's z.toJSONSchema reads only v4 schemas.
 * The shape comes from the zod schema itself (fields, which are required, types, bounds,
 * defaults, unknown fields refused); a rule that lives in a refinement or a transform (an id's
 * pattern, a mood's words) is invisible to JSON Schema, and `refined` names it by field.
 * The core validates every request with the zod schema; this is its description only.
 */
export function inputJsonSchema(schema: z.ZodTypeAny, refined: Record<string, object> = {}): Record<string, unknown> {
  const object = unwrap(schema).schema;
  if (!(object instanceof z.ZodObject)) return convert(schema);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(object.shape as z.ZodRawShape)) {
    const { schema: inner, optional, fallback } = unwrap(field);
    const described = refined[name] ?? convert(inner);
    properties[name] = fallback === undefined ? described : { ...described, default: fallback };
    if (!optional) required.push(name);
  }
  return {
    type: 'object',
    ...(object._def.unknownKeys === 'strict' ? { additionalProperties: false } : {}),
    ...(required.length > 0 ? { required } : {}),
    properties,
  };
}

/** The schema under optional() and default(), and whether either made it optional. */
function unwrap(schema: z.ZodTypeAny): { schema: z.ZodTypeAny; optional: boolean; fallback?: unknown } {
  if (schema instanceof z.ZodOptional) return { ...unwrap(schema.unwrap()), optional: true };
  if (schema instanceof z.ZodDefault) {
    const fallback: unknown = schema._def.defaultValue();
    return { ...unwrap(schema.removeDefault()), optional: true, fallback };
  }
  return { schema, optional: false };
}

function convert(schema: z.ZodTypeAny): Record<string, unknown> {
  if (schema instanceof z.ZodEffects) return convert(schema.innerType());
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return convert(unwrap(schema).schema);
  if (schema instanceof z.ZodNullable) {
    const inner = convert(schema.unwrap());
    return typeof inner.type === 'string' ? { ...inner, type: [inner.type, 'null'] } : { anyOf: [inner, { type: 'null' }] };
  }
  if (schema instanceof z.ZodUnion) {
    const options = (schema.options as z.ZodTypeAny[]).map(convert);
    const types = options.map((option) => option.type);
    // string | number | Date as the JSON that may carry it.
    if (options.every((option) => Object.keys(option).length === 1 && typeof option.type === 'string')) {
      const unique = [...new Set(types as string[])];
      return { type: unique.length === 1 ? unique[0] : unique };
    }
    return { anyOf: options };
  }
  if (schema instanceof z.ZodString) {
    const bounds: Record<string, number> = {};
    for (const check of schema._def.checks) {
      if (check.kind === 'min') bounds.minLength = check.value;
      if (check.kind === 'max') bounds.maxLength = check.value;
    }
    return { type: 'string', ...bounds };
  }
  if (schema instanceof z.ZodNumber) {
    let type = 'number';
    const bounds: Record<string, number> = {};
    for (const check of schema._def.checks) {
      if (check.kind === 'int') type = 'integer';
      if (check.kind === 'min') bounds[check.inclusive ? 'minimum' : 'exclusiveMinimum'] = check.value;
      if (check.kind === 'max') bounds[check.inclusive ? 'maximum' : 'exclusiveMaximum'] = check.value;
    }
    return { type, ...bounds };
  }
  if (schema instanceof z.ZodDate) return { type: 'string' };
  if (schema instanceof z.ZodBoolean) return { type: 'boolean' };
  if (schema instanceof z.ZodArray) return { type: 'array', items: convert(schema.element) };
  if (schema instanceof z.ZodEnum) return { enum: [...(schema.options as string[])] };
  if (schema instanceof z.ZodLiteral) return { const: schema.value };
  if (schema instanceof z.ZodObject) return inputJsonSchema(schema);
  if (schema instanceof z.ZodRecord) return { type: 'object', additionalProperties: convert(schema.valueSchema) };
  // z.unknown(), z.any(): anything JSON.
  return {};
}
