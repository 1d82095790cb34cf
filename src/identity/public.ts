/**
 * What identity offers the other capabilities. They import from here and nowhere else in identity/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export { getUser } from './accounts.js';
