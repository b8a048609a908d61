/** Checks a subscription spec given by the app, naming the faulty field. */
import { EventSubOptionsError } from './errors.js';
import type { SubscriptionSpec } from './types.js';
import { isObject, kindOf } from './wire/check.js';

const typeName = /^[a-z0-9_.]+$/;

export function validateSpec(spec: SubscriptionSpec): void {
  const s = spec as unknown;
  if (!isObject(s)) throw new EventSubOptionsError('spec', `expected an object, got ${kindOf(s)}`);
  if (typeof s.type !== 'string')
    throw new EventSubOptionsError('spec.type', `expected a string, got ${kindOf(s.type)}`);
  if (!typeName.test(s.type)) throw new EventSubOptionsError('spec.type', 'lowercase dotted name');
  if (typeof s.version !== 'string' || s.version.length === 0) {
    throw new EventSubOptionsError('spec.version', `expected a non-empty string, got ${kindOf(s.version)}`);
  }
  const condition = s.condition;
  if (!isObject(condition)) {
    throw new EventSubOptionsError('spec.condition', `expected an object, got ${kindOf(condition)}`);
  }
  for (const key in condition) {
    if (typeof condition[key] !== 'string') {
      throw new EventSubOptionsError(`spec.condition.${key}`, `expected a string, got ${kindOf(condition[key])}`);
    }
  }
}
