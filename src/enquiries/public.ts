/**
 * What enquiries offers the other capabilities. They import from here and nowhere else in enquiries/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export { alertEnquiries } from './alert-enquiries.js';
export { criteriaOf, scorePeople } from './match-people.js';
export type { Person } from './match-people.js';
