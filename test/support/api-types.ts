/**
 * The TypeScript types of the API, made from the served OpenAPI document with openapi-typescript, for clients in
 * tests to be checked against the contract. `openapi-schema.ts` holds them; `scripts/api-types.ts` writes it again
 * after the API changes, and a test fails while it is out of date.
 */
import path from 'node:path';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import prettier from 'prettier';
import ts from 'typescript';
import { servedDocument } from '../../src/platform/web/api-docs.js';
import { buildApp } from '../../src/app/app.js';
import { projectRoot } from '../../src/platform/web/project-root.js';
import { testDatabases } from './databases.js';
import { testServices } from './services.js';

export const apiTypesFile = path.join(projectRoot, 'test', 'support', 'openapi-schema.ts');

const header = `/**
 * The s2s API's paths, operations and schemas as TypeScript types, generated from /api/v1/openapi.json. Do not edit:
 * run \`npx tsx scripts/api-types.ts\` after changing an API route's declaration.
 */
`;

/** The document's types, formatted as the repository formats TypeScript. */
export async function apiTypesSource(document: object): Promise<string> {
  // A file part or a download is a Blob to a client, not a string.
  const blob = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Blob'));
  const ast = await openapiTS(document as OpenAPI3, {
    transform: (schema) => (schema.format === 'binary' ? blob : undefined),
  });
  const options = { ...(await prettier.resolveConfig(apiTypesFile)), filepath: apiTypesFile };
  return prettier.format(header + astToString(ast), options);
}

/** The document an app built over a throwaway database serves. */
export async function currentDocument(): Promise<object> {
  const [database] = await testDatabases();
  const services = await testServices(await database!.open());
  const app = await buildApp(services);
  try {
    await app.ready();
    return servedDocument(app);
  } finally {
    await app.close();
    await services.close();
  }
}
