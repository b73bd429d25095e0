import { serverSchema } from '../../src/shared/config/server-schema';
import {
  type OutcomeEmailSettings,
  type OutcomeRecipient,
  outcomeRecipient,
} from '../../src/sessions/outcome-recipient';

const GLOBAL = 'crm-global@example.com';
const QUEUE = 'crm-billing@example.com';

/** The settings of one table row: queue "12" is the session's queue. */
function settings(
  global: { enabled: boolean; to?: string },
  queue?: { enabled: boolean; to?: string },
): OutcomeEmailSettings {
  // Through the schema, so that settings this table does not care about get their defaults.
  return serverSchema.shape.outcomeEmail.parse({
    enabled: global.enabled,
    to: global.to ?? GLOBAL,
    queues: queue ? { '12': { enabled: queue.enabled, to: queue.to ?? QUEUE } } : {},
  });
}

const none = expect.objectContaining({ none: expect.any(String) }) as OutcomeRecipient;

describe('outcomeRecipient', () => {
  describe('the "Settings inheritance and overriding" table of the reference, row by row', () => {
    it.each<[string, OutcomeEmailSettings, string | undefined, OutcomeRecipient]>([
      [
        'When global is off and the queue is off, then no email is sent',
        settings({ enabled: false }, { enabled: false }),
        '12',
        none,
      ],
      [
        "When global is off and the queue is on, then the email goes to the queue's address",
        settings({ enabled: false }, { enabled: true }),
        '12',
        { to: QUEUE },
      ],
      [
        'When global is on and the queue is off, then the email goes to the global address',
        settings({ enabled: true }, { enabled: false }),
        '12',
        { to: GLOBAL },
      ],
      [
        "When global is on and the queue is on, then the queue's address overrides the global one",
        settings({ enabled: true }, { enabled: true }),
        '12',
        { to: QUEUE },
      ],
      // "If the email address is empty, then email is not sent."
      [
        'When global is off and the queue is on with an empty address, then no email is sent',
        settings({ enabled: false }, { enabled: true, to: '' }),
        '12',
        none,
      ],
      [
        'When global is on with an empty address and the queue is off, then no email is sent',
        settings({ enabled: true, to: '' }, { enabled: false }),
        '12',
        none,
      ],
      [
        'When both are on and the queue address is empty, then no email is sent (no fallback)',
        settings({ enabled: true }, { enabled: true, to: '' }),
        '12',
        none,
      ],
      [
        'When both are on and only the global address is empty, then the queue address is used',
        settings({ enabled: true, to: '' }, { enabled: true }),
        '12',
        { to: QUEUE },
      ],
      [
        'When the resulting address is only blanks, then it counts as empty',
        settings({ enabled: true, to: '   ' }),
        '12',
        none,
      ],
      [
        'When an address has surrounding blanks, then they are trimmed',
        settings({ enabled: true, to: ' crm@example.com ' }),
        '12',
        { to: 'crm@example.com' },
      ],
      // A queue without settings of its own inherits the global setting.
      [
        'When the queue is not configured and global is on, then the global address is used',
        settings({ enabled: true }),
        '12',
        { to: GLOBAL },
      ],
      [
        'When the queue is not configured and global is off, then no email is sent',
        settings({ enabled: false }),
        '12',
        none,
      ],
      [
        'When the queue id is unknown to the settings, then the global setting applies',
        settings({ enabled: true }, { enabled: true }),
        '99',
        { to: GLOBAL },
      ],
      [
        'When the session names no queue and global is on, then the global address is used',
        settings({ enabled: true }, { enabled: true }),
        undefined,
        { to: GLOBAL },
      ],
      [
        'When the session names no queue and global is off, then no email is sent',
        settings({ enabled: false }, { enabled: true }),
        undefined,
        none,
      ],
      [
        'When the queue id is an Object.prototype member, then it is not mistaken for settings',
        settings({ enabled: false }),
        'constructor',
        none,
      ],
    ])('%s', (_name, config, queueId, expected) => {
      expect(outcomeRecipient(config, queueId)).toEqual(expected);
    });
  });

  describe('the reasons, which the API returns as "why no email will be sent"', () => {
    it('When everything is off, then the reason names the setting and the queue', () => {
      expect(outcomeRecipient(settings({ enabled: false }, { enabled: false }), '12')).toEqual({
        none: 'Outcome emails are disabled (outcomeEmail.enabled is false) and queue 12 does not enable them.',
      });
    });

    it('When the queue is not configured, then the reason says so', () => {
      expect(outcomeRecipient(settings({ enabled: false }), '12')).toEqual({
        none: 'Outcome emails are disabled (outcomeEmail.enabled is false) and queue 12 has no settings of its own.',
      });
    });

    it("When the queue's address is empty, then the reason names that setting", () => {
      expect(
        outcomeRecipient(settings({ enabled: true }, { enabled: true, to: '' }), '12'),
      ).toEqual({
        none: 'Outcome emails are enabled for queue 12 but its address (outcomeEmail.queues.12.to) is empty.',
      });
    });

    it('When the global address is empty, then the reason names that setting', () => {
      expect(outcomeRecipient(settings({ enabled: true, to: '' }), undefined)).toEqual({
        none: 'Outcome emails are enabled but the address (outcomeEmail.to) is empty.',
      });
    });
  });
});
