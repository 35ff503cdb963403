/**
 * SLA Vigil's public API: the module lifecycle the host calls, the host contract types, and
 * the pure business-time functions.
 */
export { activate, deactivate, uninstall, isActive } from './module-lifecycle';
export * from './host/host-context';
export { manifest } from './manifest';
export { createDb, ensureDatabase } from './store/db';
export { createPerfexHostParts } from './host/perfex/perfex-host-parts';
