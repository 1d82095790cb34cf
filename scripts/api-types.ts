/** Writes test/support/openapi-schema.ts again from the API's current declarations. */
import fs from 'node:fs';
import { apiTypesFile, apiTypesSource, currentDocument } from '../test/support/api-types.js';

fs.writeFileSync(apiTypesFile, await apiTypesSource(await currentDocument()));
console.log(`wrote ${apiTypesFile}`);
