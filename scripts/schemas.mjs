// Writes the JSON Schemas of the report, trends and export documents into schemas/ (published in
// the package, beside what `GET /api/v1/schemas/{name}` serves), from their zod definitions in
// src/core/document-schemas.ts, as tsc built them into dist/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { DOCUMENT_SCHEMAS, documentJsonSchema } from '../dist/core/document-schemas.js';

rmSync('schemas', { recursive: true, force: true });
mkdirSync('schemas');
for (const name of Object.keys(DOCUMENT_SCHEMAS)) {
  writeFileSync(`schemas/${name}.schema.json`, `${JSON.stringify(documentJsonSchema(name), null, 2)}\n`);
}
