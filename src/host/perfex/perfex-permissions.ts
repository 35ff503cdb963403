import type { Knex } from 'knex';
import type { Capability, PermissionRegistry, TicketScope, Unregister } from '../host-context';

export interface RegisteredFeature {
  feature: string;
  label: string;
  capabilities: readonly Capability[];
}

/** Perfex's option (Setup > Settings > Support): staff see only the tickets of their departments. */
const DEPARTMENTS_ONLY_OPTION = 'staff_access_only_assigned_departments';

/** The grants that pass a check for each capability (a higher one implies the lower ones). */
const IMPLIED_BY: Record<Capability, readonly string[]> = {
  view_own: ['view_own', 'view', 'manage'],
  view: ['view', 'manage'],
  manage: ['manage'],
};

/**
 * Perfex's staff permissions: `tblstaff_permissions (staff_id, feature, capability)`;
 * administrators (`tblstaff.admin = 1`) always pass. `manage` implies `view`, which implies
 * `view_own`.
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
    const wanted = IMPLIED_BY[capability];
    const row = await this.db(`${this.prefix}staff_permissions`)
      .where({ staff_id: staffId, feature })
      .whereIn('capability', wanted)
      .first();
    return row !== undefined;
  }

  /**
   * Perfex's ticket visibility: administrators see every ticket; with the option on, other staff
   * see the tickets of the departments `tblstaff_departments` puts them in (none: no tickets).
   * PERFEX.md records nothing more (e.g. about tickets assigned to them in other departments),
   * so the department is all that counts here.
   */
  async ticketScope(staffId: number): Promise<TicketScope> {
    // One query for the common case (option off, or an administrator): list pages call this.
    const row: { admin: number; departments_only: string | null } | undefined = await this.db(
      `${this.prefix}staff as s`,
    )
      .select(
        's.admin',
        this.db(`${this.prefix}options`)
          .select('value')
          .where('name', DEPARTMENTS_ONLY_OPTION)
          .limit(1)
          .as('departments_only'),
      )
      .where('s.staffid', staffId)
      .first();
    // An unknown staff member sees nothing (can() refuses them anyway).
    if (!row) return { departments: [] };
    if (row.admin === 1 || String(row.departments_only ?? '0').trim() !== '1') return { all: true };
    return { departments: await this.staffDepartments(staffId) };
  }

  async staffDepartments(staffId: number): Promise<readonly number[]> {
    const departments: unknown[] = await this.db(`${this.prefix}staff_departments`)
      .where('staffid', staffId)
      .pluck('departmentid');
    return [...new Set(departments.map(Number))].sort((a, b) => a - b);
  }
}
