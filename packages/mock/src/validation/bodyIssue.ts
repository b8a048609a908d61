/**
 * Turns the first zod issue of a refused request body into Twitch's 400 message naming the field, so that every
 * wire boundary of the emulator (Helix bodies, the admin API) refuses bad input the same way.
 */
import type { z } from 'zod';

/** `data.user_id`, `choices[1].title`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v = body;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

const typeNames: Record<string, string> = { int: 'integer', object: 'object', array: 'array' };

/** Twitch's wording for the first problem zod found in `body`. */
export function bodyIssueMessage(error: z.ZodError, body: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'The request body is invalid';
  const field = fieldName(issue.path);
  if (!field) return 'The request body must be a JSON object';
  if (valueAt(body, issue.path) === undefined) return `Missing required field "${field}" in the request body`;
  switch (issue.code) {
    case 'invalid_type':
      return `The field "${field}" must be of type ${typeNames[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
    case 'invalid_union':
      return `The field "${field}" has an invalid value`;
    default:
      return `The field "${field}" is invalid: ${issue.message}`;
  }
}
