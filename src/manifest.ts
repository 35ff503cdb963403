import { z } from 'zod';
import path from 'node:path';
import rawManifest from '../module.json';

/** The manifest the host reads (module.json), validated so a broken file fails fast. */
export const ManifestSchema = z
  .object({
    id: z.string().regex(/^[a-z_]+$/),
    name: z.string().min(1),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    description: z.string(),
    requires: z.object({ hostContract: z.string() }).strict(),
    entry: z.string(),
    hooks: z.record(z.string(), z.string()),
    permissions: z
      .object({
        feature: z.string(),
        label: z.string(),
        capabilities: z.array(z.enum(['view_own', 'view', 'manage'])),
      })
      .strict(),
    menu: z.array(
      z
        .object({
          slug: z.string(),
          name: z.string(),
          href: z.string(),
          icon: z.string().optional(),
          position: z.number().optional(),
          capability: z.enum(['view_own', 'view', 'manage']),
        })
        .strict(),
    ),
    cron: z.object({ event: z.string(), action: z.string() }).strict(),
    migrations: z.object({ directory: z.string(), tableName: z.string() }).strict(),
    locales: z.string(),
    views: z.string(),
    settings: z.object({
      cooldownMinutes: z.number().int().positive(),
      defaultWarnAtPercent: z.number().min(1).max(100),
      scanBatchSize: z.number().int().positive(),
      mailFrom: z.string(),
    }),
  })
  .strict();
export type Manifest = z.infer<typeof ManifestSchema>;

export const manifest: Manifest = ManifestSchema.parse(rawManifest);

/** The package root, whether running from src/ (ts-jest) or dist/src/ (built). */
export const MODULE_ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);
