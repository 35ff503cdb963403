import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { HostContext } from '../src/host/host-context';

/** What a module's entry point exports (see module.json `entry`). */
export interface ModuleApi {
  activate(host: HostContext): Promise<void>;
  deactivate(host: HostContext): Promise<void>;
  uninstall(host: HostContext): Promise<void>;
}

export interface ModuleManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  entry: string;
}

export interface InstalledModule {
  manifest: ModuleManifest;
  dir: string;
  active: boolean;
  installedVersion: string | null;
}

/**
 * Perfex's Setup > Modules: reads each module's module.json, keeps `tblmodules` rows
 * (module_name, installed_version, active) and calls the module's lifecycle functions.
 * Nothing about a particular module is hard-coded here.
 */
export class ModuleLoader {
  private readonly apis = new Map<string, ModuleApi>();

  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly host: HostContext,
    private readonly moduleDirs: readonly string[],
    /** Load the entry from source (tests under ts-jest) instead of the built file. */
    private readonly loadEntry: (dir: string, manifest: ModuleManifest) => ModuleApi = defaultLoadEntry,
  ) {}

  private manifests(): Map<string, { manifest: ModuleManifest; dir: string }> {
    const found = new Map<string, { manifest: ModuleManifest; dir: string }>();
    for (const dir of this.moduleDirs) {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'module.json'), 'utf8')) as ModuleManifest;
      found.set(manifest.id, { manifest, dir });
    }
    return found;
  }

  async list(): Promise<InstalledModule[]> {
    const rows: { module_name: string; installed_version: string; active: number }[] = await this.db(
      `${this.prefix}modules`,
    );
    return [...this.manifests().values()].map(({ manifest, dir }) => {
      const row = rows.find((r) => r.module_name === manifest.id);
      return { manifest, dir, active: row?.active === 1, installedVersion: row?.installed_version ?? null };
    });
  }

  private api(id: string): ModuleApi {
    let api = this.apis.get(id);
    if (!api) {
      const entry = this.manifests().get(id);
      if (!entry) throw new Error(`no module with id "${id}"`);
      api = this.loadEntry(entry.dir, entry.manifest);
      this.apis.set(id, api);
    }
    return api;
  }

  async activate(id: string): Promise<void> {
    const entry = this.manifests().get(id);
    if (!entry) throw new Error(`no module with id "${id}"`);
    await this.api(id).activate(this.host);
    await this.db(`${this.prefix}modules`)
      .insert({ module_name: id, installed_version: entry.manifest.version, active: 1 })
      .onConflict('module_name')
      .merge(['installed_version', 'active']);
  }

  async deactivate(id: string): Promise<void> {
    await this.api(id).deactivate(this.host);
    await this.db(`${this.prefix}modules`).where('module_name', id).update({ active: 0 });
  }

  async uninstall(id: string): Promise<void> {
    await this.api(id).uninstall(this.host);
    await this.db(`${this.prefix}modules`).where('module_name', id).delete();
  }

  /** On boot, reactivate the modules `tblmodules` says are active (Perfex does the same). */
  async activateRecorded(): Promise<void> {
    for (const m of await this.list()) if (m.active) await this.activate(m.manifest.id);
  }

  async close(): Promise<void> {
    for (const m of await this.list())
      if (m.active && this.apis.has(m.manifest.id)) await this.api(m.manifest.id).deactivate(this.host);
  }
}

function defaultLoadEntry(dir: string, manifest: ModuleManifest): ModuleApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, manifest.entry)) as ModuleApi;
}
