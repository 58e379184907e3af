import { describeApi } from './http.js';

/**
 * The OpenAPI document `tpt serve` serves as GET /api/v1/openapi.json, as @fastify/swagger writes
 * it from the routes' schemas (src/server/api-schemas.ts), for tests and tools. The service
 * itself never loads this module: it asks its own Fastify instance (src/server/http.ts).
 */
export const OPENAPI = await describeApi();
