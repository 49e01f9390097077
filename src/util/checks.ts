/**
 * Input checks with uniform messages: `Error in <where>: <what is wrong>. <how to fix it>`.
 */
export class AwdError extends Error {
  constructor(where: string, message: string) {
    super(`Error in ${where}: ${message}`);
    this.name = 'AwdError';
  }
}

/** Throws unless every value is a finite number, naming the first bad position and value. */
export function assertFinite(where: string, what: string, values: ArrayLike<number>): void {
  if (values === null || typeof values !== 'object' || typeof (values as { length?: unknown }).length !== 'number') {
    const got = values === null ? 'null' : typeof values === 'string' ? `the string ${JSON.stringify(String(values).slice(0, 20))}` : typeof values;
    throw new AwdError(where, `${what} must be an array of numbers (e.g. a Float64Array or number[]), got ${got}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      if (typeof v !== 'number') {
        const shown = typeof v === 'string' ? `the string ${JSON.stringify(String(v).slice(0, 20))}` : v === null ? 'null' : typeof v === 'undefined' ? 'undefined (a hole or a missing value)' : `a ${typeof v}`;
        throw new AwdError(where, `${what} contains ${shown} at flat index ${i}; pass numbers (e.g. a Float64Array)`);
      }
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
