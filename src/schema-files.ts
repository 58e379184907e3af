import { readFileSync } from 'node:fs';

/**
 * The JSON Schemas the build writes into schemas/ (scripts/schemas.mjs, from
 * src/core/document-schemas.ts), read from there: the service serves the very files the package
 * publishes, and zod's JSON Schema generator stays out of the program. Beside completions/, this
 * file resolves them from dist/ and bundle/ alike.
 */
export const DOCUMENT_NAMES = ['report', 'trends', 'export'] as const;
export type DocumentName = (typeof DOCUMENT_NAMES)[number];

export function isDocumentName(name: string): name is DocumentName {
  return (DOCUMENT_NAMES as readonly string[]).includes(name);
}

export function publishedSchema(name: DocumentName): unknown {
  return JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), 'utf8'));
}
