/**
 * Page rendering with Nunjucks and the GOV.UK Frontend macros. Templates live beside the capability they belong
 * to (src/<capability>/views/*.njk) and are named from src/, e.g. `identity/views/sign-in.njk`. Autoescaping is
 * on: nothing a user typed reaches a page unescaped.
 */
import path from 'node:path';
import nunjucks from 'nunjucks';
import { nameWithNumber } from '../organisation-name.js';
import { projectRoot } from './project-root.js';

export function createViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [path.join(projectRoot, 'src'), path.join(projectRoot, 'node_modules', 'govuk-frontend', 'dist')],
      { noCache: process.env.NODE_ENV === 'development' },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  env.addFilter('dateTime', (value: Date | string | null | undefined) => {
    if (!value) return '';
    const date = new Date(value);
    return date.toLocaleString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
      timeZone: 'Europe/London',
    });
  });
  env.addFilter('date', longDate);
  env.addFilter('named', nameWithNumber);
  // Nunjucks' own `capitalize` lower-cases the rest ("Upn matches"): this only raises the first letter.
  env.addFilter('sentence', (value: string) => value.charAt(0).toUpperCase() + value.slice(1));
  return env;
}

/** A date as people write it, "2 November 2026", in London; a bare YYYY-MM-DD is that calendar day. */
export function longDate(value: Date | string | null | undefined): string {
  if (!value) return '';
  const text = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value;
  return new Date(text).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/London',
  });
}
