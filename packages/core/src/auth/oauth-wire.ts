/** Wire (snake_case) schemas of Twitch's OAuth answers. Unknown fields pass through. */
import { z } from 'zod';

export const TokenResponseWire = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.number().nonnegative().optional(),
  scope: z.union([z.array(z.string()), z.string()]).optional(),
  token_type: z.string().optional(),
});
export type TokenResponseWire = z.infer<typeof TokenResponseWire>;

export const ValidateResponseWire = z.looseObject({
  client_id: z.string(),
  login: z.string().optional(),
  user_id: z.string().optional(),
  scopes: z.array(z.string()).nullable().optional(),
  expires_in: z.number(),
});
export type ValidateResponseWire = z.infer<typeof ValidateResponseWire>;

export const DeviceCodeResponseWire = z.looseObject({
  device_code: z.string(),
  user_code: z.string(),
  verification_uri: z.string(),
  expires_in: z.number(),
  interval: z.number(),
});
export type DeviceCodeResponseWire = z.infer<typeof DeviceCodeResponseWire>;

export const OAuthErrorWire = z.looseObject({
  status: z.number().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
});
