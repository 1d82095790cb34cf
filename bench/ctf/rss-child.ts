/**
 * Child process for the CTF benchmark: validates one file and reports peak RSS, so the figure is not polluted by
 * the parent's generated data. `engine` streams the file from disk through parseCtf; `fast-xml-parser` reads it whole.
 */

import { createReadStream, readFileSync } from 'node:fs';
import { parseCtf } from '../../src/ctf/parse.js';

const [mode, file] = process.argv.slice(2);
let peak = 0;
const sample = (): void => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const timer = setInterval(sample, 10);
const start = performance.now();
let valid: boolean | null = null;
let pupils = 0;
if (mode === 'engine' && file) {
  const result = await parseCtf(createReadStream(file, { highWaterMark: 256 * 1024 }), { retainPupils: false });
  valid = result.valid;
  pupils = result.pupilCount;
} else if (mode === 'fast-xml-parser' && file) {
  // Imported only here so that the engine's figure does not include loading the baseline.
  const { XMLParser } = await import('fast-xml-parser');
  const doc = new XMLParser().parse(readFileSync(file, 'utf8')) as {
    CTfile?: { CTFpupilData?: { Pupil?: unknown[] } };
  };
  pupils = doc.CTfile?.CTFpupilData?.Pupil?.length ?? 0;
  valid = true;
} else {
  console.error('usage: rss-child.ts engine|fast-xml-parser FILE');
  process.exit(2);
}
sample();
clearInterval(timer);
const seconds = (performance.now() - start) / 1000;
// maxRSS is in kilobytes and covers moments between samples.
const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
console.log(JSON.stringify({ mode, valid, pupils, seconds, peakRssBytes: maxRss }));
