/** The digest lives on the floor below core and the engines (src/domain/sha256.ts). */
export { sha256Hex } from '../domain/sha256.js';
