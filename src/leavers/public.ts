/**
 * What leavers offers the other capabilities. They import from here and nowhere else in leavers/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export { ctfsCarryingPerson } from './sent-ctfs.js';
export type { CtfCarryingUpn } from './sent-ctfs.js';
