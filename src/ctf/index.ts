/**
 * The CTF engine's public API: parse and validate CTF/ATF files as they stream in, extract one pupil verbatim,
 * understand file names, write files, and generate realistic fictitious data. Pure code: no database, no HTTP.
 */

import { parseCtf, type CtfInput, type ParseOptions } from './parse.js';
import type { CtfParseResult } from './model.js';

export { parseCtf, type CtfInput, type ParseOptions } from './parse.js';
export { teeChunks } from './tee.js';
export {
  rootElementOf,
  sniffRootElement,
  structuredRootOf,
  type RootElement,
  type SniffedStream,
  type StructuredRoot,
} from './root-element.js';
export { extractPupil, extractPupilFrom, type ReadRange } from './extract.js';
export {
  buildFileName,
  classifyDestination,
  codeAgreesWithHeader,
  fileTypeOfLabel,
  parseFileName,
  type CtfFileType,
  type DestinationKind,
  type FileNameParts,
  type ParsedFileName,
} from './file-names.js';
export { ctfIssueCodes, type CtfIssue, type CtfIssueCode, type CtfSeverity } from './issues.js';
export { defaultLimits, type CtfLimits } from './limits.js';
export { headerFieldLengths, pupilFieldLengths, schoolHistoryFieldLengths } from './field-lengths.js';
export type {
  ByteRange,
  CtfDestSchool,
  CtfDocumentType,
  CtfHeader,
  CtfLayout,
  CtfParseResult,
  CtfPupil,
  CtfPupilIdentity,
  CtfSchoolHistoryEntry,
  CtfSchoolRef,
  CtfSourceSchool,
} from './model.js';
export type { CtfEncoding } from './decode.js';
export { checkUpn, isValidUpn, makeUpn, upnCheckLetter, upnLetters, type UpnCheck, type UpnKind } from './upn.js';
export { checkUln, isValidUln, ulnCheckDigit, type UlnCheck } from './uln.js';
export { defaultRuleOptions, knownLeavingReasons, type RuleOptions } from './validate.js';
export {
  escapeXmlText,
  writeCtf,
  writeCtfHead,
  writeCtfTail,
  writePupilXml,
  type CtfDocumentInput,
  type CtfHeaderInput,
  type CtfPupilInput,
} from './write.js';
export {
  createPupilGenerator,
  generateCtfChunks,
  generateCtfFiles,
  generateIdentities,
  syntheticSupplierId,
  type FilesOptions,
  type GeneratedFile,
  type GeneratorEstablishment,
  type GeneratorOptions,
  type IdentityOptions,
  type PupilGenerator,
  type SyntheticIdentity,
  type SyntheticPupil,
} from './generate.js';
export { anyVariant, makeVariant, variantKinds, type VariantKind } from './variants.js';
export { createRandom, type Random } from './random.js';

/** Checks a file without keeping its pupils (they can still be seen one at a time through `onPupil`). */
export function validateCtf(input: CtfInput, options: ParseOptions = {}): Promise<CtfParseResult> {
  return parseCtf(input, { ...options, retainPupils: options.retainPupils ?? false });
}
