/** One query parameter of a Helix operation, as the spec declares it. */
export interface HelixParameter {
  name: string;
  required: boolean;
  /** JSON type of the value (or of each item when `array`). */
  type: string;
  /** Whether the parameter may repeat (`?id=1&id=2`). */
  array: boolean;
  enum?: readonly unknown[];
}

/** One Helix operation of the spec: what the emulator checks a request against. */
export interface HelixOperation {
  operationId: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  token: 'user' | 'app' | 'app-or-user' | 'extension-jwt' | 'none';
  /** Any one of these scopes admits a user token. */
  scopes: readonly string[];
  params: readonly HelixParameter[];
  body?: { required: boolean; requiredFields: readonly string[] };
  successStatus: number;
  example?: unknown;
}
