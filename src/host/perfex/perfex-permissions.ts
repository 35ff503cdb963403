import type { Knex } from 'knex';
import type { Capability, PermissionRegistry, Unregister } from '../host-context';

export interface RegisteredFeature {
  feature: string;
  label: string;
  capabilities: readonly Capability[];
}

/**
 * Perfex's staff permissions: `tblstaff_permissions (staff_id, feature, capability)`;
 * administrators (`tblstaff.admin = 1`) always pass. `manage` implies `view`.
 */
export class PerfexPermissions implements PermissionRegistry {
  readonly features = new Map<string, RegisteredFeature>();

  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  register(feature: string, capabilities: readonly Capability[], label: string): Unregister {
    this.features.set(feature, { feature, label, capabilities });
    return () => this.features.delete(feature);
  }

  async can(staffId: number, feature: string, capability: Capability): Promise<boolean> {
    const staff = await this.db(`${this.prefix}staff`)
      .select('admin', 'active')
      .where('staffid', staffId)
      .first();
    if (!staff || staff.active !== 1) return false;
    if (staff.admin === 1) return true;
    const wanted = capability === 'view' ? ['view', 'manage'] : ['manage'];
    const row = await this.db(`${this.prefix}staff_permissions`)
      .where({ staff_id: staffId, feature })
      .whereIn('capability', wanted)
      .first();
    return row !== undefined;
  }
}
