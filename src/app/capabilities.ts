/**
 * Every capability the service runs, in the order their navigation links and home cards appear. Adding a
 * capability is one line here; everything it brings is in its own folder's manifest.
 */
import { audit } from '../audit/index.js';
import { cme } from '../cme/index.js';
import { enquiries } from '../enquiries/index.js';
import { establishments } from '../establishments/index.js';
import { help } from '../help/index.js';
import { identity } from '../identity/index.js';
import { joiners } from '../joiners/index.js';
import { leavers } from '../leavers/index.js';
import { notifications } from '../notifications/index.js';
import type { Capability } from '../platform/capability.js';
import { repository } from '../repository/index.js';
import { transfers } from '../transfers/index.js';

export const capabilities: readonly Capability[] = [
  transfers,
  repository,
  joiners,
  leavers,
  enquiries,
  cme,
  notifications,
  establishments,
  identity,
  audit,
  help,
];
