/** Types of the facts-only Helix spec, and the names the generator gives to what it finds there. */

export interface Schema {
  type?: string;
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: string[];
  nullable?: boolean;
  additionalProperties?: Schema | boolean;
  $ref?: string;
  deprecated?: boolean;
}
export interface Parameter {
  name: string;
  in: string;
  schema: Schema;
  required?: boolean;
}
export interface Operation {
  tags: string[];
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }>; required?: boolean };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: { twitch_auth?: string[] }[];
  'x-token'?: string;
  deprecated?: boolean;
}
export interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

// ---------- names ----------
export const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const pascal = (name: string) =>
  name
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
export const isIdentifier = (name: string) => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
export const key = (name: string) => (isIdentifier(name) ? name : JSON.stringify(name));
export const refName = (ref: string) => ref.replace('#/components/schemas/', '');

/** Method names: Twitch's operation ids in camelCase, with a few made to read well. */
export const methodRenames: Record<string, string> = {
  'start-a-raid': 'startRaid',
  'cancel-a-raid': 'cancelRaid',
  'send-a-shoutout': 'sendShoutout',
  'create-eventsub-subscription': 'createEventSubSubscription',
  'delete-eventsub-subscription': 'deleteEventSubSubscription',
  'get-eventsub-subscriptions': 'getEventSubSubscriptions',
  'check-automod-status': 'checkAutoModStatus',
  'manage-held-automod-messages': 'manageHeldAutoModMessages',
  'get-automod-settings': 'getAutoModSettings',
  'update-automod-settings': 'updateAutoModSettings',
  'create-clip-from-vod': 'createClipFromVod',
  'get-vips': 'getVips',
  'add-channel-vip': 'addChannelVip',
  'remove-channel-vip': 'removeChannelVip',
  'get-channel-icalendar': 'getChannelICalendar',
  'send-extension-pubsub-message': 'sendExtensionPubSubMessage',
};
export const methodName = (id: string) => methodRenames[id] ?? camel(id.replace(/-/g, '_'));
export const groupProperty = (tag: string) => {
  const special: Record<string, string> = { CCLs: 'contentClassificationLabels', EventSub: 'eventSub' };
  if (special[tag]) return special[tag]!;
  const p = pascal(tag);
  return p[0]!.toLowerCase() + p.slice(1);
};
export const groupClass = (tag: string) => `${pascal(groupProperty(tag))}Api`;

/** Page sizes Twitch allows above 100 (facts from Twitch's reference). */
export const firstMax: Record<string, number> = { 'get-chatters': 1000 };
