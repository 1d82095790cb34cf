/**
 * What establishments offers the other capabilities. They import from here and nowhere else in establishments/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export { otherSchoolProblem } from './other-school.js';
export { organisationNames } from './organisation-names.js';
