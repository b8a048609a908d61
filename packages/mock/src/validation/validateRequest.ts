import { helixBodySchemas } from '../generated/helixBodies.js';
import { helixError, type MockResponse } from '../http/route.js';
import { bodyIssueMessage } from './bodyIssue.js';
import type { HelixOperation, HelixParameter } from './helixOperation.js';

/** `first` bounds where Twitch allows other than 1..100. */
const firstMax: Record<string, number> = {
  '/polls': 20,
  '/predictions': 25,
  '/schedule': 25,
  '/chat/chatters': 1000,
  '/entitlements/drops': 1000,
  '/extensions/live': 100,
};

/** Most list parameters take at most 100 values. */
const MAX_LIST = 100;

function checkValue(param: HelixParameter, value: string): string | undefined {
  if (param.type === 'integer' && !/^-?\d+$/.test(value)) return `The parameter "${param.name}" must be an integer`;
  if (param.type === 'number' && !Number.isFinite(Number(value)))
    return `The parameter "${param.name}" must be a number`;
  if (param.type === 'boolean' && value !== 'true' && value !== 'false') {
    return `The parameter "${param.name}" must be true or false`;
  }
  if (param.enum && !param.enum.includes(value)) return `The parameter "${param.name}" has an invalid value`;
  return undefined;
}

/**
 * Checks a request's query and body against the spec's operation: required parameters, repeated parameters only
 * where lists are allowed (at most 100), types, enums, `first` bounds, and a JSON object body that matches the spec's
 * schema (zod, generated), refused naming the field.
 * Returns Twitch's 400 answer, or undefined when the request may proceed.
 */
export function validateRequest(op: HelixOperation, query: URLSearchParams, body: unknown): MockResponse | undefined {
  for (const param of op.params) {
    const values = query.getAll(param.name);
    if (values.length === 0 || values.every((v) => v === '')) {
      if (param.required) return helixError(400, `Missing required parameter "${param.name}"`);
      continue;
    }
    if (!param.array && values.length > 1) {
      return helixError(400, `The parameter "${param.name}" may be specified only once`);
    }
    if (param.array && values.length > MAX_LIST) {
      return helixError(400, `The parameter "${param.name}" may be specified at most ${MAX_LIST} times`);
    }
    for (const value of values) {
      const problem = checkValue(param, value);
      if (problem) return helixError(400, problem);
    }
    if (param.name === 'first') {
      const n = Number(values[0]);
      const max = firstMax[op.path] ?? 100;
      if (!Number.isInteger(n) || n < 1 || n > max) {
        return helixError(400, `The parameter "first" must be an integer between 1 and ${max}`);
      }
    }
  }
  if (op.body) {
    if (body === undefined) {
      if (op.body.required || op.body.requiredFields.length > 0) return helixError(400, 'The request body is missing');
      return undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return helixError(400, 'The request body must be a JSON object');
    }
    // The spec's schema, generated into zod: every field's type, required fields, enums, nested objects and lists.
    const schema = helixBodySchemas[`${op.method} ${op.path}`];
    const parsed = schema?.safeParse(body);
    if (parsed && !parsed.success) return helixError(400, bodyIssueMessage(parsed.error, body));
  }
  return undefined;
}
