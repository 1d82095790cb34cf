/**
 * What cme offers the other capabilities. They import from here and nowhere else in cme/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export { openCase } from './cases.js';
export { registerCaseOf } from './register-case-of.js';
export type { RegisterCase } from './register-case-of.js';
