import { createTranslator, translatorFor } from '../../src/i18n/translator';
import { describeMatch, describeTargets, type MatchNames } from '../../src/web/settings/policy-summary';

const i18n = createTranslator();
const en = translatorFor(i18n, 'en');
const de = translatorFor(i18n, 'de');

const names: MatchNames = {
  departmentIds: new Map([
    [1, 'Support'],
    [2, 'Sales'],
  ]),
  priorityIds: new Map([[3, 'High']]),
  clientIds: new Map([[7, 'Acme GmbH']]),
  serviceIds: new Map([[4, 'Web hosting']]),
};

describe('describeMatch', () => {
  it('names each criterion in the order departments, priorities, clients, services', () => {
    expect(describeMatch({ serviceIds: [4], departmentIds: [1, 2], priorityIds: [3] }, names, en)).toBe(
      'Departments Support, Sales; priority High; service Web hosting',
    );
    expect(describeMatch({ clientIds: [7] }, names, de)).toBe('Kunde Acme GmbH');
  });

  it('says "All tickets" without criteria, and shows an id the host no longer has as #id', () => {
    expect(describeMatch({}, names, en)).toBe('All tickets');
    expect(describeMatch({ clientIds: [7, 99] }, names, en)).toBe('clients Acme GmbH, #99');
  });
});

describe('describeTargets', () => {
  const targets = {
    resolution: { minutes: 480 },
    first_response: { minutes: 60 },
    next_response: { minutes: 90 },
  };
  it('lists the targets in the order they happen, as hours and minutes', () => {
    expect(describeTargets(targets, false, en)).toBe(
      'First response 1 h, Next response 1 h 30 min, Resolution 8 h',
    );
    expect(describeTargets({ first_response: { minutes: 45 } }, false, en)).toBe('First response 45 min');
  });

  it('says "business" when the policy counts on a calendar with opening hours', () => {
    expect(describeTargets({ resolution: { minutes: 480 } }, true, en)).toBe('Resolution 8 business h');
    expect(describeTargets({ resolution: { minutes: 480 } }, true, de)).toBe('Lösung 8 Geschäftsstd.');
  });
});

describe('describeMatch for leads', () => {
  const leadNames: MatchNames = {
    countryIds: new Map([
      [82, 'Germany'],
      [75, 'France'],
    ]),
    sourceIds: new Map([[3, 'Website']]),
    statusIds: new Map([[2, 'New']]),
    assignedIds: new Map([[5, 'Maya Fischer']]),
  };
  it('names markets, sources, statuses and owners', () => {
    expect(
      describeMatch(
        { countryIds: [82, 75], sourceIds: [3], statusIds: [2], assignedIds: [5] },
        leadNames,
        en,
        'lead',
      ),
    ).toBe('Markets Germany, France; source Website; status New; owner Maya Fischer');
    expect(describeMatch({ countryIds: [82] }, leadNames, de, 'lead')).toBe('Markt Germany');
  });
  it('says "All leads" without criteria and shows an unknown id by number', () => {
    expect(describeMatch({}, leadNames, en, 'lead')).toBe('All leads');
    expect(describeMatch({ sourceIds: [9] }, leadNames, en, 'lead')).toBe('source #9');
  });
});
