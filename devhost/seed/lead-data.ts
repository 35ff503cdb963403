/** The demo's sales pipeline: lead statuses, sources and the five markets its leads come from. */

/** A sales team's statuses besides Perfex's own "Customer" (isdefault, made by setup). */
export const LEAD_STATUSES: readonly { name: LeadStatusName; color: string; order: number }[] = [
  { name: 'New', color: '#2563eb', order: 1 },
  { name: 'Contacted', color: '#0891b2', order: 2 },
  { name: 'Qualified', color: '#7c3aed', order: 3 },
  { name: 'Proposal', color: '#d97706', order: 4 },
  { name: 'Waiting on customer', color: '#64748b', order: 5 },
  { name: 'On hold', color: '#94a3b8', order: 6 },
];
export type LeadStatusName =
  'New' | 'Contacted' | 'Qualified' | 'Proposal' | 'Waiting on customer' | 'On hold';

/** Google and Facebook come with Perfex; the team adds the rest. */
export const ADDED_LEAD_SOURCES = ['Website form', 'Referral', 'Trade show'] as const;
export type LeadSourceName = 'Google' | 'Facebook' | (typeof ADDED_LEAD_SOURCES)[number];

export type MarketCode = 'IN' | 'US' | 'SG' | 'DE' | 'FR';

export interface Market {
  iso2: MarketCode;
  /** How many of the demo's leads come from here (60 in all). */
  leads: number;
  /** Demo staff (by email) who work this market's leads. */
  owners: readonly string[];
  /** Where its leads come from, with relative weights. */
  sources: readonly (readonly [LeadSourceName, number])[];
  firstNames: readonly string[];
  lastNames: readonly string[];
  /** Fictional companies. */
  companies: readonly string[];
}

const words = (s: string): string[] => s.split(',').map((w) => w.trim());

export const MARKETS: readonly Market[] = [
  {
    iso2: 'IN',
    leads: 16,
    owners: ['priya.nair@example.com', 'agent@example.com'],
    sources: [
      ['Website form', 3],
      ['Google', 3],
      ['Facebook', 3],
      ['Referral', 2],
      ['Trade show', 1],
    ],
    firstNames: words(
      'Aarav, Ananya, Rohan, Priyanka, Vikram, Kavya, Arjun, Isha, Rahul, Neha, Siddharth, Divya',
    ),
    lastNames: words('Sharma, Iyer, Reddy, Mehta, Gupta, Rao, Kapoor, Joshi, Menon, Banerjee'),
    companies: words(
      'Sundaram Textiles, Kaveri Foods, Indus Logistics, Vedanta Clinics, Lotus Software, Ganga Motors, Saffron Hotels, Deccan Pharma, Chennai Solar, Pune Precision Tools',
    ),
  },
  {
    iso2: 'US',
    leads: 14,
    owners: ['daniel.kim@example.com', 'agent@example.com'],
    sources: [
      ['Website form', 3],
      ['Google', 4],
      ['Facebook', 1],
      ['Referral', 2],
      ['Trade show', 1],
    ],
    firstNames: words('Emily, Jacob, Madison, Tyler, Hannah, Brandon, Ashley, Kevin, Lauren, Ryan'),
    lastNames: words('Johnson, Miller, Davis, Wilson, Anderson, Thompson, Martin, Clark'),
    companies: words(
      'Prairie Fitness, Lakeshore Realty, Bluegrass Dental, Golden Gate Coffee, Hudson Analytics, Sunbelt Roofing, Rocky Ridge Outfitters, Bayou Catering',
    ),
  },
  {
    iso2: 'SG',
    leads: 10,
    owners: ['daniel.kim@example.com', 'priya.nair@example.com'],
    sources: [
      ['Website form', 3],
      ['Google', 2],
      ['Facebook', 1],
      ['Referral', 2],
      ['Trade show', 2],
    ],
    firstNames: words('Wei Ling, Jun Jie, Siti, Arun, Mei Xin, Darren, Nur, Kai'),
    lastNames: words('Tan, Lim, Ng, Wong, Rahman, Koh, Chua, Goh'),
    companies: words(
      'Marina Bay Trading, Orchard Digital, Lion City Freight, Sentosa Wellness, Raffles Fintech, Jurong Precision',
    ),
  },
  {
    iso2: 'DE',
    leads: 11,
    owners: ['jonas.weber@example.com', 'manager@example.com'],
    sources: [
      ['Website form', 3],
      ['Google', 2],
      ['Facebook', 1],
      ['Referral', 2],
      ['Trade show', 3],
    ],
    firstNames: words('Lukas, Anna, Felix, Lea, Maximilian, Sophie, Jan, Marie, Paul, Laura'),
    lastNames: words('Müller, Schmidt, Schneider, Fischer, Wagner, Becker, Hoffmann, Schulz'),
    companies: words(
      'Rheinland Maschinenbau GmbH, Bergmann Logistik, Alster Software AG, Schwarzwald Holzbau, Isar Medizintechnik, Elbe Consulting',
    ),
  },
  {
    iso2: 'FR',
    leads: 9,
    owners: ['sofia.martinez@example.com', 'hannah.olsen@example.com'],
    sources: [
      ['Website form', 3],
      ['Google', 2],
      ['Facebook', 2],
      ['Referral', 2],
      ['Trade show', 1],
    ],
    firstNames: words('Camille, Louis, Chloé, Hugo, Manon, Lucas, Léa, Théo'),
    lastNames: words('Martin, Bernard, Dubois, Thomas, Robert, Petit, Durand, Leroy'),
    companies: words(
      'Atelier Lumière, Provence Bio, Loire Transports, Garonne Informatique, Maison Dupont, Alpes Énergie',
    ),
  },
];

/** Where each demo lead ends up (if `now` leaves it time to get there, which the plan makes sure of). */
export type LeadOutcome =
  'new' | 'contacted' | 'qualified' | 'proposal' | 'waiting' | 'on_hold' | 'converted' | 'lost' | 'junk';

/** How many of the 60 leads end in each state: a pipeline with every state in it. */
export const OUTCOMES: Readonly<Record<LeadOutcome, number>> = {
  new: 10,
  contacted: 10,
  qualified: 8,
  proposal: 6,
  waiting: 4,
  on_hold: 3,
  converted: 7,
  lost: 7,
  junk: 5,
};
