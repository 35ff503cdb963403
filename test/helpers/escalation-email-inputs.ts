import type { EscalationEmailInput } from '../../src/notify/escalation-email';

/** Deterministic choices (mulberry32 with a fixed seed), so a failure names a case that repeats. */
function chooser(seed: number): <T>(options: readonly T[]) => T {
  let state = seed >>> 0;
  return (options) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), state | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    const r = ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
    return options[Math.floor(r * options.length)];
  };
}

/** What a ticket subject, a name or a host's lookup value may hold. */
const HOSTILE = [
  'Printer down',
  '<script>alert("x")</script> & \'co\'',
  '<%= process.exit(1) %> <%- raw %> <%# c %>',
  '{sla_ticket_id} {sla_tag} %7Bsla_intro%7D {{name}} $t(emails.tag.warning)',
  "$& $1 $` $' $$ (replacement patterns)",
  '\u0000sv-field:0\u0000 \u0000sv-value\u0000 marks of the renderers',
  'Line one\r\n\tBcc: x@evil.test   spaced',
  `${'Ümlaut ñ 😀 '.repeat(12)}long`,
  '&amp; &lt;b&gt; &#39; &#x27; entities',
  '',
  '   ',
];

const STATUS_NAMES = ['On Hold', '<b>Wait</b> & "see"', '{sla_status}'];
const ZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'UTC+3'];
const DUE = new Date('2026-03-03T13:00:00Z');
/** now - dueAt: a warning, due now, late by minutes, hours, days; and a due time in another year. */
const OFFSETS_MIN = [-45, -1, -0.5, 0, 0.5, 1, 130, 3 * 24 * 60 + 5 * 60 + 7, 400 * 24 * 60];

/** `count` escalation email inputs over every shape, language-neutral, hostile values included. */
export function escalationEmailInputs(count: number, seed: number): EscalationEmailInput[] {
  const pick = chooser(seed);
  const out: EscalationEmailInput[] = [];
  for (let i = 0; i < count; i++) {
    const lead = pick([false, true]);
    const metric = lead
      ? pick(['status_time', 'first_response'] as const)
      : pick(['first_response', 'next_response', 'resolution', 'status_time'] as const);
    const id = pick([1, 42, 1234, 987654]);
    const url = lead
      ? `https://crm.example.com/admin/leads/index/${id}${pick(['', '?a=1&b="2"'])}`
      : `https://crm.example.com/admin/tickets/ticket/${id}`;
    out.push({
      ticketId: id,
      ticketSubject: pick(HOSTILE),
      ...(lead && {
        lead: {
          company: pick(HOSTILE),
          marketName: pick(['Germany', '—', '<i>x</i>']),
          sourceName: pick(HOSTILE),
        },
      }),
      clientName: lead ? null : pick([null, 'Acme GmbH', ...HOSTILE]),
      departmentName: lead ? '' : pick(['Support', ...HOSTILE]),
      metric,
      ...(metric === 'status_time' && { statusName: pick(STATUS_NAMES) }),
      ...(pick([false, false, true]) && { internal: true }),
      level: pick([1, 2, 3, 12]),
      triggerType: pick(['before_due', 'at_due', 'after_due'] as const),
      dueAt: DUE,
      zone: pick(ZONES),
      now: new Date(DUE.getTime() + pick(OFFSETS_MIN) * 60_000),
      ticketUrl: url,
      slaUrl: `${url}#sla_vigil`,
      recipientName: pick(['Ada Lovelace', 'Ada', ...HOSTILE]),
    });
  }
  return out;
}
