/**
 * Writes the shipped sample establishment extract (samples/establishments/edubasealldata-sample.csv) from the
 * fictitious register in src/establishments/sample-register.ts, in GIAS's own encoding (Windows-1252).
 * Run: node --import tsx scripts/generate-sample-register.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeWindows1252 } from '../src/establishments/windows-1252.js';
import { sampleRegisterCsvText } from '../src/establishments/sample-register.js';

const file = path.resolve('samples/establishments/edubasealldata-sample.csv');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, encodeWindows1252(sampleRegisterCsvText()));
console.log(`wrote ${file}`);
