import type { Knex } from 'knex';
import { isoCountryRows } from './countries';

/**
 * Perfex CRM 3.x's tables where the module touches them (../shared/PERFEX.md), with Perfex's
 * column names and meanings. Like Perfex's installer, this creates what is missing and
 * inserts the default rows once; it is the host's schema, not a module migration.
 */
export async function createHostTables(db: Knex, prefix: string): Promise<void> {
  const t = (name: string): string => `${prefix}${name}`;
  const create = async (name: string, build: (table: Knex.CreateTableBuilder) => void): Promise<void> => {
    if (!(await db.schema.hasTable(t(name)))) await db.schema.createTable(t(name), build);
  };

  await create('tickets', (x) => {
    x.increments('ticketid');
    x.integer('adminreplying').notNullable().defaultTo(0);
    x.integer('userid').notNullable().defaultTo(0);
    x.integer('contactid').notNullable().defaultTo(0);
    x.string('merged_ticket_id', 11).nullable();
    x.string('email', 191).nullable();
    x.string('name', 191).nullable();
    x.integer('department').notNullable().index();
    x.integer('priority').notNullable().defaultTo(0).index();
    x.integer('status').notNullable().index();
    x.integer('service').nullable().index();
    x.string('ticketkey', 32).notNullable();
    x.string('subject', 191).notNullable();
    x.text('message', 'mediumtext').nullable();
    x.integer('admin').nullable();
    x.dateTime('date').notNullable();
    x.integer('project_id').notNullable().defaultTo(0).index();
    x.dateTime('lastreply').nullable();
    x.integer('clientread').notNullable().defaultTo(0);
    x.integer('adminread').notNullable().defaultTo(0);
    x.integer('assigned').notNullable().defaultTo(0);
    x.integer('staff_id_replying').nullable();
    x.string('cc', 191).nullable();
    x.index(['userid']);
    x.index(['contactid']);
  });
  await create('ticket_replies', (x) => {
    x.increments('id');
    x.integer('ticketid').notNullable().index();
    x.integer('userid').nullable();
    x.integer('contactid').notNullable().defaultTo(0);
    x.text('name').nullable();
    x.text('email').nullable();
    x.dateTime('date').notNullable();
    x.text('message', 'mediumtext').nullable();
    x.text('attachment').nullable();
    x.integer('admin').nullable();
  });
  await create('tickets_status', (x) => {
    x.increments('ticketstatusid');
    x.string('name', 191).notNullable();
    x.integer('isdefault').notNullable().defaultTo(0);
    x.string('statuscolor', 7).nullable();
    x.integer('statusorder').nullable();
  });
  await create('tickets_priorities', (x) => {
    x.increments('priorityid');
    x.string('name', 191).notNullable();
  });
  await create('departments', (x) => {
    x.increments('departmentid');
    x.string('name', 191).notNullable();
    x.string('email', 100).nullable();
    x.integer('hidefromclient').notNullable().defaultTo(0);
  });
  await create('staff_departments', (x) => {
    x.increments('staffdepartmentid');
    x.integer('staffid').notNullable();
    x.integer('departmentid').notNullable();
  });
  await create('roles', (x) => {
    x.increments('roleid');
    x.string('name', 150).notNullable();
    x.text('permissions').nullable();
  });
  await create('staff', (x) => {
    x.increments('staffid');
    x.string('email', 100).notNullable().unique();
    x.string('firstname', 50).notNullable();
    x.string('lastname', 50).notNullable();
    x.string('password', 250).notNullable();
    x.dateTime('datecreated').notNullable();
    x.integer('admin').notNullable().defaultTo(0);
    x.integer('role').nullable();
    x.integer('active').notNullable().defaultTo(1);
    x.string('default_language', 40).nullable();
    x.integer('is_not_staff').notNullable().defaultTo(0);
    x.dateTime('last_login').nullable();
  });
  await create('clients', (x) => {
    x.increments('userid');
    x.string('company', 191).nullable();
    x.integer('active').notNullable().defaultTo(1);
    x.dateTime('datecreated').notNullable();
  });
  await create('contacts', (x) => {
    x.increments('id');
    x.integer('userid').notNullable().index();
    x.integer('is_primary').notNullable().defaultTo(1);
    x.string('firstname', 191).notNullable();
    x.string('lastname', 191).notNullable();
    x.string('email', 100).notNullable();
    x.integer('active').notNullable().defaultTo(1);
    x.integer('ticket_emails').notNullable().defaultTo(1);
    x.dateTime('datecreated').notNullable();
  });
  await create('services', (x) => {
    x.increments('serviceid');
    x.string('name', 50).notNullable();
  });
  await create('options', (x) => {
    x.increments('id');
    x.string('name', 191).notNullable().unique();
    x.text('value', 'longtext').notNullable();
    x.integer('autoload').notNullable().defaultTo(1);
  });
  await create('staff_permissions', (x) => {
    x.integer('staff_id').notNullable();
    x.string('feature', 40).notNullable();
    x.string('capability', 100).notNullable();
    x.unique(['staff_id', 'feature', 'capability']);
  });
  await create('modules', (x) => {
    x.increments('id');
    x.string('module_name', 55).notNullable().unique();
    x.string('installed_version', 11).notNullable();
    x.integer('active').notNullable().defaultTo(0);
  });
  await create('activity_log', (x) => {
    x.increments('id');
    x.text('description').notNullable();
    x.dateTime('date').notNullable();
    x.string('staffid', 100).nullable();
  });
  // Customer groups: the group names, and which client is in which group (Perfex's real names).
  // The staff bell (PERFEX.md: notifications); core's add_notification() writes it.
  await create('notifications', (x) => {
    x.increments('id');
    x.integer('isread').notNullable().defaultTo(0);
    x.integer('isread_inline').notNullable().defaultTo(0);
    x.dateTime('date').notNullable();
    x.text('description').notNullable();
    x.integer('fromuserid').notNullable().defaultTo(0);
    x.integer('fromclientid').notNullable().defaultTo(0);
    x.string('from_fullname', 100).notNullable().defaultTo('');
    x.integer('touserid').notNullable().index();
    x.integer('fromcompany').nullable();
    x.text('link').nullable();
    x.text('additional_data').nullable();
  });
  await create('customers_groups', (x) => {
    x.increments('id');
    x.string('name', 191).notNullable().index();
  });
  await create('customer_groups', (x) => {
    x.increments('id');
    x.integer('groupid').notNullable().index();
    x.integer('customer_id').notNullable().index();
  });
  // Leads (PERFEX.md "Leads"): datetimes are wall clock in `default_timezone`, like tickets'.
  await create('leads', (x) => {
    x.increments('id');
    x.string('name', 191).notNullable();
    x.string('company', 191).nullable();
    x.string('email', 100).nullable();
    x.string('phonenumber', 50).nullable();
    /** tblcountries.country_id, 0 = none. */
    x.integer('country').notNullable().defaultTo(0);
    x.integer('status').notNullable().index();
    x.integer('source').notNullable().index();
    /** Staff id, 0 = nobody. */
    x.integer('assigned').notNullable().defaultTo(0).index();
    x.dateTime('dateadded').notNullable();
    x.date('dateassigned').nullable();
    x.dateTime('last_status_change').nullable();
    x.dateTime('lastcontact').nullable();
    x.integer('addedfrom').notNullable().defaultTo(0);
    x.integer('lost').notNullable().defaultTo(0);
    x.integer('junk').notNullable().defaultTo(0);
    x.dateTime('date_converted').nullable();
    x.integer('client_id').notNullable().defaultTo(0);
    x.decimal('lead_value', 15, 2).nullable();
    x.string('default_language', 40).nullable();
    x.integer('is_public').notNullable().defaultTo(0);
    x.integer('from_form_id').notNullable().defaultTo(0);
  });
  await create('leads_status', (x) => {
    x.increments('id');
    x.string('name', 50).notNullable();
    x.integer('statusorder').nullable();
    x.string('color', 10).nullable();
    x.integer('isdefault').notNullable().defaultTo(0);
  });
  await create('leads_sources', (x) => {
    x.increments('id');
    x.string('name', 150).notNullable();
  });
  await create('countries', (x) => {
    x.increments('country_id');
    x.string('iso2', 2).nullable();
    x.string('short_name', 80).notNullable();
    x.string('long_name', 80).notNullable();
    x.string('iso3', 3).nullable();
    x.string('numcode', 6).nullable();
    x.string('un_member', 12).nullable();
    x.string('calling_code', 8).nullable();
    x.string('cctld', 5).nullable();
  });
  await create('lead_activity_log', (x) => {
    x.increments('id');
    x.integer('leadid').notNullable().index();
    x.text('description', 'mediumtext').notNullable();
    x.text('additional_data').nullable();
    x.dateTime('date').notNullable();
    x.integer('staffid').notNullable().defaultTo(0);
    x.string('full_name', 100).nullable();
  });
  // Not Perfex: the devhost's local mailbox (the SMTP sink keeps what it receives here).
  await create('devhost_mailbox', (x) => {
    x.increments('id');
    x.string('mail_from', 191).nullable();
    x.text('rcpt_to').notNullable();
    x.string('subject', 191).nullable();
    x.text('text', 'mediumtext').nullable();
    x.text('html', 'mediumtext').nullable();
    x.dateTime('received_at').notNullable();
    // Unique (NULLs allowed): a second delivery of the same Message-ID is dropped like a real server would.
    x.string('message_id', 191).nullable().unique();
    // Readable headers (JSON) and the message as received: the mailbox page shows the whole email.
    x.text('headers', 'mediumtext').nullable();
    x.text('source', 'mediumtext').nullable();
  });
  // Mailbox tables made before Message-IDs were kept get the column too.
  if (!(await db.schema.hasColumn(t('devhost_mailbox'), 'message_id'))) {
    await db.schema.alterTable(t('devhost_mailbox'), (x) => {
      x.string('message_id', 191).nullable().unique();
    });
  }
  // And before headers and the source were kept.
  for (const column of ['headers', 'source']) {
    if (!(await db.schema.hasColumn(t('devhost_mailbox'), column))) {
      await db.schema.alterTable(t('devhost_mailbox'), (x) => {
        x.text(column, 'mediumtext').nullable();
      });
    }
  }

  await insertDefaults(db, prefix);
}

/** Perfex's default rows: statuses with colours, priorities, lead status and sources, countries, core options. */
async function insertDefaults(db: Knex, prefix: string): Promise<void> {
  const statuses = [
    [1, 'Open', '#ff2d42', 1],
    [2, 'In progress', '#22c55e', 2],
    [3, 'Answered', '#2563eb', 3],
    [4, 'On Hold', '#64748b', 4],
    [5, 'Closed', '#03a9f4', 5],
  ] as const;
  for (const [id, name, color, order] of statuses) {
    await db(`${prefix}tickets_status`)
      .insert({ ticketstatusid: id, name, isdefault: 1, statuscolor: color, statusorder: order })
      .onConflict('ticketstatusid')
      .ignore();
  }
  for (const [id, name] of [
    [1, 'Low'],
    [2, 'Medium'],
    [3, 'High'],
  ] as const) {
    await db(`${prefix}tickets_priorities`)
      .insert({ priorityid: id, name })
      .onConflict('priorityid')
      .ignore();
  }
  // A fresh Perfex has one lead status, "Customer" (isdefault: what a converted lead gets), and
  // two sources; a sales team adds its own (the demo seed does).
  await db(`${prefix}leads_status`)
    .insert({ id: 1, name: 'Customer', statusorder: 1000, color: '#7cb342', isdefault: 1 })
    .onConflict('id')
    .ignore();
  for (const [id, name] of [
    [1, 'Google'],
    [2, 'Facebook'],
  ] as const) {
    await db(`${prefix}leads_sources`).insert({ id, name }).onConflict('id').ignore();
  }
  const [{ n: countries }] = await db(`${prefix}countries`).count({ n: '*' });
  if (Number(countries) === 0) await db(`${prefix}countries`).insert(isoCountryRows());
  for (const [name, value] of [
    ['default_timezone', 'UTC'],
    ['default_ticket_reply_status', '3'],
    ['companyname', 'Devhost Ltd'],
    // Off, as most installs run: every staff member sees every ticket (the ticket list honours it).
    ['staff_access_only_assigned_departments', '0'],
  ]) {
    await db(`${prefix}options`).insert({ name, value, autoload: 1 }).onConflict('name').ignore();
  }
}

/** Every host table, for tests that prove uninstall leaves them alone. */
export const HOST_TABLES = [
  'tickets',
  'ticket_replies',
  'tickets_status',
  'tickets_priorities',
  'departments',
  'staff_departments',
  'roles',
  'staff',
  'clients',
  'contacts',
  'services',
  'options',
  'staff_permissions',
  'modules',
  'activity_log',
  'customers_groups',
  'customer_groups',
  'leads',
  'leads_status',
  'leads_sources',
  'countries',
  'lead_activity_log',
  'devhost_mailbox',
] as const;
