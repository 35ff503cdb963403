import type { DepartmentName } from './people-data';
import type { Random } from './random';

/** What customers write to each department: a subject and an opening message. */
const OPENINGS: Record<DepartmentName, readonly (readonly [string, string])[]> = {
  Support: [
    [
      'Cannot log in to the client portal',
      'Since this morning the portal says my password is wrong, the reset email never arrives.',
    ],
    ['How do I add a new user to our account?', 'We hired two people this week. How do we give them access?'],
    ['Emails from your system land in spam', 'Our team keeps finding your notifications in the spam folder.'],
    ['Request for a copy of our contract', 'Could you send us the current signed contract as PDF?'],
    ['Change of our company address', 'We moved offices; please update the address on our account.'],
    [
      'Two-factor code not accepted',
      'The authenticator code is rejected every time, the phone clock is correct.',
    ],
    [
      'Where can I download last month’s report?',
      'I cannot find the monthly usage report in the dashboard any more.',
    ],
    ['Please close our old sub-account', 'The Hamburg branch closed; its sub-account can be removed.'],
  ],
  Billing: [
    ['Invoice charged twice', 'Our card was charged twice for the same invoice this month.'],
    [
      'VAT number missing on invoice',
      'The latest invoice does not show our VAT number, our accountant needs it.',
    ],
    ['Switch to annual billing', 'We would like to move to yearly billing, is there a discount?'],
    ['Payment failed but card is valid', 'The automatic payment failed although the card works elsewhere.'],
    [
      'Refund for cancelled add-on',
      'We cancelled the backup add-on on the 3rd but were billed for the full month.',
    ],
    ['Need invoices sent to a different email', 'Please send future invoices to accounts@ instead of to me.'],
  ],
  Technical: [
    [
      'Website down with 502 errors',
      'Our main website has been returning 502 Bad Gateway for the last 20 minutes.',
    ],
    [
      'Mailbox over quota, cannot receive email',
      'The info@ mailbox bounces everything with "quota exceeded".',
    ],
    ['SSL certificate expired', 'Browsers warn that our certificate expired yesterday.'],
    [
      'Slow database queries since update',
      'Since last weekend’s update our reports take minutes instead of seconds.',
    ],
    [
      'DNS change not propagating',
      'We changed the MX record two days ago and mail still goes to the old server.',
    ],
    [
      'API returns 401 for valid token',
      'Our integration gets 401 Unauthorized with a freshly generated token.',
    ],
    ['Backup restore request', 'Please restore the /var/www folder from Tuesday night’s backup.'],
    ['Cron jobs stopped running', 'None of our scheduled jobs ran since midnight.'],
  ],
};

const STAFF_FIRST_REPLIES = [
  'Thanks for reaching out. I am looking into this now and will get back to you shortly.',
  'Thank you for the details. Could you send a screenshot of what you see?',
  'I have reproduced the problem and passed it to the team; I will update you as soon as I know more.',
  'Thanks, I have checked your account. Can you confirm which user is affected?',
  'We have applied a fix on our side. Could you please try again and let us know?',
] as const;

const STAFF_FOLLOW_UPS = [
  'Thanks for confirming. I have made the change, please check again.',
  'I have escalated this internally and will update you today.',
  'Understood. The change is scheduled and should be live within the hour.',
  'Thanks for your patience, this should now be resolved.',
  'I have attached the requested document to this reply.',
] as const;

const CLIENT_FOLLOW_UPS = [
  'Thanks, but it still does not work on our side.',
  'Here is the screenshot you asked for.',
  'Yes, it affects all of our users.',
  'Any update on this? It is blocking our team.',
  'We tried again this morning, same result.',
] as const;

export const CLIENT_THANKS = [
  'That fixed it, thank you!',
  'All good now, thanks for the quick help.',
  'Works again. You can close the ticket.',
] as const;

export const CLIENT_REOPEN = [
  'Sorry to reopen this, but the problem is back.',
  'It happened again today, same error as before.',
] as const;

export const CLIENT_NUDGE = [
  'Any news? We have not heard back yet.',
  'Just checking whether anyone has seen this.',
] as const;

export const STAFF_CLOSING = 'Glad it is sorted. I am closing this ticket; reply any time to reopen it.';
export const STAFF_ON_HOLD =
  'We are waiting for our upstream provider and will come back to you once they respond.';
export const STAFF_WORKING = 'We are actively working on this and will report back as soon as it is done.';

export function opening(rng: Random, department: DepartmentName): { subject: string; message: string } {
  const [subject, message] = rng.pick(OPENINGS[department]);
  return { subject, message };
}

export const staffFirstReply = (rng: Random): string => rng.pick(STAFF_FIRST_REPLIES);
export const staffFollowUp = (rng: Random): string => rng.pick(STAFF_FOLLOW_UPS);
export const clientFollowUp = (rng: Random): string => rng.pick(CLIENT_FOLLOW_UPS);
