/**
 * What repository offers the other capabilities. They import from here and nowhere else in repository/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export { rateLimited, repositoryMatch } from './api-routes.js';
export { oneDigitVariants, swappedDayMonth } from './date-variants.js';
export { spendLookup } from './lookup-budget.js';
export type { RepositoryMatch } from './match-repository.js';
export { MATCH_THRESHOLD, scoreMatch } from './score-match.js';
export type { CandidateRecord, SearchCriteria } from './score-match.js';
export { searchRepository, searchSpentLookup } from './search-repository.js';
export type { RepositoryDeps } from './search-repository.js';
