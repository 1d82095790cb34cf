/**
 * The node's services as the app, the commands and the tests use them: the platform's, with what every capability
 * plugs into the others' extension points (leavers and the repository writing with a file, enquiries alerted after).
 */
import type { Config } from '../platform/config.js';
import { createServices, type ServiceOptions } from '../platform/services.js';
import { capabilities } from './capabilities.js';

export function composeServices(config: Config, options: Omit<ServiceOptions, 'extensions'> = {}) {
  return createServices(config, { ...options, extensions: capabilities.flatMap((c) => c.extensions ?? []) });
}
