/** The project's root folder, found from this file whether it runs from src/ (tsx) or dist/ (compiled). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
