/**
 * What Twitch sends where the example printed in its docs says otherwise, and the documented alternatives of a
 * payload (an anonymous cheer, a permanent ban, a canceled prediction...). Written from Twitch's EventSub reference
 * field tables and the shapes real traffic shows, by hand and apart from `@twitchify/eventsub`'s field facts, so that
 * the emulator checks the SDK instead of agreeing with it.
 */

type Event = Record<string, unknown>;

/** Corrections always applied to the docs' example: the field tables win over the example. */
const FIXES: Readonly<Record<string, (e: Event) => void>> = {
  // The example quotes both; the table says integer and boolean.
  'channel.ad_break.begin@1': (e) => {
    e.duration_seconds = Number(e.duration_seconds);
    e.is_automatic = e.is_automatic === true || e.is_automatic === 'true';
  },
  // User ids are strings everywhere; one example prints numbers.
  'channel.prediction.end@1': (e) => predictorIdsAsStrings(e),
  'channel.prediction.lock@1': (e) => predictorIdsAsStrings(e),
  'channel.prediction.progress@1': (e) => predictorIdsAsStrings(e),
  // Twitch confirmed these carry broadcaster_user_* (as the donation event does); its docs print broadcaster_*.
  'channel.charity_campaign.start@1': (e) => charityUserFields(e),
  'channel.charity_campaign.progress@1': (e) => charityUserFields(e),
  'channel.charity_campaign.stop@1': (e) => charityUserFields(e),
};

/** A documented alternative of a payload, chosen by name or drawn from the seeded source. */
export interface ShapeVariant {
  readonly name: string;
  apply(e: Event): void;
}

const anonymousUser = (e: Event) => {
  e.user_id = null;
  e.user_login = null;
  e.user_name = null;
  e.is_anonymous = true;
};

const VARIANTS: Readonly<Record<string, readonly ShapeVariant[]>> = {
  'channel.ban@1': [
    {
      name: 'permanent',
      apply: (e) => {
        e.ends_at = null;
        e.is_permanent = true;
      },
    },
  ],
  'channel.cheer@1': [{ name: 'anonymous', apply: anonymousUser }],
  'channel.subscription.gift@1': [
    {
      name: 'anonymous',
      apply: (e) => {
        anonymousUser(e);
        e.cumulative_total = null;
      },
    },
  ],
  'channel.prediction.end@1': [
    {
      name: 'canceled',
      apply: (e) => {
        e.status = 'canceled';
        e.winning_outcome_id = null;
      },
    },
  ],
  'channel.subscription.message@1': [
    {
      name: 'no-streak',
      apply: (e) => {
        e.streak_months = null;
      },
    },
  ],
  'channel.charity_campaign.start@1': [{ name: 'docs-fields', apply: (e) => charityDocsFields(e) }],
  'channel.charity_campaign.progress@1': [{ name: 'docs-fields', apply: (e) => charityDocsFields(e) }],
  'channel.charity_campaign.stop@1': [{ name: 'docs-fields', apply: (e) => charityDocsFields(e) }],
};

/** Types Twitch delivers batched: `events: [{ id, data }]` and no `event`. */
export const BATCHED_TYPES: ReadonlySet<string> = new Set(['drop.entitlement.grant@1']);

/** Examples the docs' example list lacks, as Twitch's reference describes the payload. */
export const EXTRA_EXAMPLES: Readonly<Record<string, { condition: Record<string, string>; events: Event[] }>> = {
  'drop.entitlement.grant@1': {
    condition: { organization_id: '9001', category_id: '9002', campaign_id: '9003' },
    events: [
      {
        organization_id: '9001',
        category_id: '9002',
        category_name: 'Fortnite',
        campaign_id: '9003',
        user_id: '1234',
        user_name: 'Cool_User',
        user_login: 'cool_user',
        entitlement_id: 'fb78259e-fb81-4d1b-8333-34a06ffc24c0',
        benefit_id: '74c52265-e214-48a6-91b9-23b6014e8041',
        created_at: '2019-01-28T04:17:53.325Z',
      },
    ],
  },
};

/** The docs' example corrected to what Twitch sends. */
export function fixShape(typeAtVersion: string, event: Event): void {
  FIXES[typeAtVersion]?.(event);
}

/** The documented alternatives of a type (empty when its payload has none). */
export function variantsOf(typeAtVersion: string): readonly ShapeVariant[] {
  return VARIANTS[typeAtVersion] ?? [];
}

function predictorIdsAsStrings(e: Event): void {
  for (const o of (e.outcomes as Event[] | undefined) ?? []) {
    for (const p of (o.top_predictors as Event[] | undefined) ?? []) {
      if (typeof p.user_id === 'number') p.user_id = String(p.user_id);
    }
  }
}

function charityUserFields(e: Event): void {
  for (const f of ['id', 'login', 'name']) {
    if (`broadcaster_${f}` in e) {
      e[`broadcaster_user_${f}`] = e[`broadcaster_${f}`];
      delete e[`broadcaster_${f}`];
    }
  }
}

function charityDocsFields(e: Event): void {
  for (const f of ['id', 'login', 'name']) {
    if (`broadcaster_user_${f}` in e) {
      e[`broadcaster_${f}`] = e[`broadcaster_user_${f}`];
      delete e[`broadcaster_user_${f}`];
    }
  }
}

/** The names of a type's documented alternatives, for `emitExample(type, { variant })`. */
export function variantNames(typeAtVersion: string): string[] {
  return variantsOf(typeAtVersion).map((v) => v.name);
}
