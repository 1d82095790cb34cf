/**
 * The corpus files (test/fixtures/real-world/) for constructs where suppliers differ from one another, or where a
 * limit used to be a crash: the tolerance and limit tests check each, on top of the corpus's own run.
 */
export const differingConstructs = [
  'empty-optional-elements/8232003_CTF_8232004_901.XML',
  'xs-date-time-zones/8232003_CTF_XXXXXXX_902.XML',
  'namespace-prefix/8232003_CTF_8232004_903.XML',
  'supp-info/8232003_CTF_8232004_904.XML',
  'over-long-surname/8232003_CTF_XXXXXXX_905.XML',
] as const;

export type DifferingConstruct = (typeof differingConstructs)[number];
