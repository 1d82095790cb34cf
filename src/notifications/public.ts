/**
 * What notifications offers the other capabilities. They import from here and nowhere else in notifications/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export { laUsers, listNotifications, markNotificationsRead, notify, schoolUsers } from './notify.js';
