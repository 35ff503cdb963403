/** The demo's fixed cast: departments, staff, client companies. Contacts are drawn per company. */

export type DepartmentName = 'Support' | 'Billing' | 'Technical';
export type RoleName = 'Support Manager' | 'Team Lead' | 'Support Agent';

export const DEPARTMENTS: readonly { name: DepartmentName; email: string }[] = [
  { name: 'Support', email: 'support@example.com' },
  { name: 'Billing', email: 'billing@example.com' },
  { name: 'Technical', email: 'technical@example.com' },
];

/** Perfex keeps a role's permissions as JSON {feature: [capabilities]} and copies them to each member. */
export const ROLES: readonly { name: RoleName; permissions: Record<string, string[]> }[] = [
  { name: 'Support Manager', permissions: { sla_vigil: ['view', 'manage'] } },
  { name: 'Team Lead', permissions: { sla_vigil: ['view'] } },
  // Agents see the clock on their own tickets (badge, SLA tab, My SLA risks), not the dashboards.
  { name: 'Support Agent', permissions: { sla_vigil: ['view_own'] } },
];

export interface DemoStaffSpec {
  email: string;
  firstname: string;
  lastname: string;
  role: RoleName;
  departments: DepartmentName[];
  language: 'english' | 'spanish' | 'german';
}

/** Who the demo's escalation ladders climb to: breaches go to the team lead, late ones to the manager. */
export const TEAM_LEAD_EMAIL = 'hannah.olsen@example.com';
export const MANAGER_EMAIL = 'manager@example.com';

/** manager@ and agent@ are the documented demo logins; admin@ comes from setup. */
export const STAFF: readonly DemoStaffSpec[] = [
  s('manager@example.com', 'Maya', 'Fischer', 'Support Manager', ['Support', 'Billing', 'Technical']),
  s('agent@example.com', 'Alex', 'Turner', 'Support Agent', ['Support']),
  s('sofia.martinez@example.com', 'Sofía', 'Martínez', 'Support Agent', ['Support', 'Billing'], 'spanish'),
  s('jonas.weber@example.com', 'Jonas', 'Weber', 'Support Agent', ['Technical'], 'german'),
  s('priya.nair@example.com', 'Priya', 'Nair', 'Support Agent', ['Technical', 'Support']),
  s('tom.becker@example.com', 'Tom', 'Becker', 'Support Agent', ['Billing']),
  s('hannah.olsen@example.com', 'Hannah', 'Olsen', 'Team Lead', ['Support', 'Billing', 'Technical']),
  s('daniel.kim@example.com', 'Daniel', 'Kim', 'Support Agent', ['Support']),
];

function s(
  email: string,
  firstname: string,
  lastname: string,
  role: RoleName,
  departments: DepartmentName[],
  language: DemoStaffSpec['language'] = 'english',
): DemoStaffSpec {
  return { email, firstname, lastname, role, departments, language };
}

/** Fictional companies; the two marked true go in the "VIP" customer group. */
export const COMPANIES: readonly (readonly [string, boolean])[] = [
  ['Northwind Traders', false],
  ['Bluebird Logistics', false],
  ['Acme Hardware', false],
  ['Greenleaf Organics', false],
  ['Harbor Point Dental', false],
  ['Summit Outdoor Gear', false],
  ['Copperline Media', false],
  ['Evergreen Property Group', false],
  ['Lumen Analytics', true],
  ['Redwood Legal LLP', false],
  ['Brightside Bakery', false],
  ['Atlas Freight', false],
  ['Cobalt Software', false],
  ['Maple & Finch Interiors', false],
  ['Orion Health Clinic', true],
  ['Pinecrest Academy', false],
  ['Quarry Stone Works', false],
  ['Riverbend Hotels', false],
  ['Silverline Travel', false],
  ['Tidewater Marine', false],
];

export const CONTACT_FIRST_NAMES =
  'Olivia Liam Emma Noah Ava Lucas Mia Ethan Chloe Mateo Grace Oscar Isla Leo Zoe Samuel Nora Felix Ruby Adam Elena Victor Lena Marcus'.split(
    ' ',
  );

export const CONTACT_LAST_NAMES =
  'Bennett Carter Dawson Ellis Foster Garcia Hughes Iverson Jensen Keller Lambert Morales Nguyen Owens Patel Quinn Reyes Sullivan Tanaka Vasquez'.split(
    ' ',
  );

export const SERVICES = ['Hosting', 'Email', 'Consulting'] as const;

/** Web-form submitters with no contact record (Perfex keeps just `name` and `email`). */
export const WALK_INS: readonly { name: string; email: string }[] = [
  { name: 'Jordan Blake', email: 'jordan.blake@mail.example' },
  { name: 'Casey Moreno', email: 'casey.moreno@mail.example' },
  { name: 'Riley Chen', email: 'riley.chen@mail.example' },
  { name: 'Sam Okafor', email: 'sam.okafor@mail.example' },
];

/** Every demo login's password (bcrypt-hashed in tblstaff). */
export const DEMO_PASSWORD = 'demo1234';
