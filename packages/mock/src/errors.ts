/** Every error that `@twitchify/mock` throws. */

const brand = Symbol.for('twitchify.error');

/** Base of the package's errors; branded so that core's `TwitchifyError` recognises it. */
export class MockError extends Error {
  readonly [brand] = true;
  override name = 'MockError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.code = code;
  }
}

/** An option or argument given to the emulator's handle was invalid. */
export class MockOptionsError extends MockError {
  override name = 'MockOptionsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_MOCK_INVALID_OPTIONS', message, options);
  }
}

/** A change asked of the emulator's state names something that does not exist. */
export class MockStateError extends MockError {
  override name = 'MockStateError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_MOCK_STATE', message, options);
  }
}

/** The emulator's server could not start or stop. */
export class MockServerError extends MockError {
  override name = 'MockServerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('TWITCHIFY_MOCK_SERVER', message, options);
  }
}

/** Hides anything that looks like a bearer token or secret in a message. */
export function redact(message: string): string {
  return message.replace(/(Bearer|OAuth)\s+\S+/gi, '$1 ***').replace(/(secret|token)=([^&\s]+)/gi, '$1=***');
}
