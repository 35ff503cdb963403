export * from './sla-config-schema';
