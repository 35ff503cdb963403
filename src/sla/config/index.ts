export * from './sla-config-schema';
export * from './webhook-config';
