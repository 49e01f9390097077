/**
 * Input checks with uniform messages: `Error in <where>: <what is wrong>. <how to fix it>`.
 */
export class AwdError extends Error {
  constructor(where: string, message: string) {
    super(`Error in ${where}: ${message}`);
    this.name = 'AwdError';
  }
}

/** Throws unless every value is finite, naming the first bad position. */
export function assertFinite(where: string, what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new AwdError(
        where,
        `${what} contains ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'} at flat index ${i}; ` +
          'remove or impute non-finite values before calling',
      );
    }
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function assertInt(where: string, what: string, value: number, min: number, max = Infinity): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new AwdError(where, `${what} must be an integer ${range}, got ${value}`);
  }
}
