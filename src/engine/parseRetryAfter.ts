/**
 * The wait, in whole seconds from `nowMs`, that a Retry-After header asks for
 * (RFC 9110 10.2.3): delta-seconds, or an HTTP-date in any of the three forms
 * recipients must accept (RFC 9110 5.6.7). A date already past means 0.
 * Null when the header is absent or malformed: a value we cannot read is no
 * promise that waiting helps, so the answer is treated like any other error.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds : null;
  }
  const dateMs = parseHttpDate(text, nowMs);
  if (dateMs === null) return null;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** Sunday, 06-Nov-94 08:49:37 GMT */
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** Sun Nov  6 08:49:37 1994 (UTC, though it says no zone) */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/**
 * Milliseconds since the epoch, or null. Written out rather than left to
 * Date.parse, which reads asctime dates in local time and accepts much that
 * is not an HTTP-date.
 */
function parseHttpDate(text: string, nowMs: number): number | null {
  let match = IMF_FIXDATE.exec(text);
  if (match) return utc(Number(match[3]), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
  match = RFC_850.exec(text);
  if (match) return utc(fullYear(Number(match[3]), nowMs), match[2]!, match[1]!, match[4]!, match[5]!, match[6]!);
  match = ASCTIME.exec(text);
  if (match) return utc(Number(match[6]), match[1]!, match[2]!, match[3]!, match[4]!, match[5]!);
  return null;
}

/** RFC 9110 5.6.7: a two-digit year more than 50 years ahead is the most recent past year with those digits. */
function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  let year = thisYear - (thisYear % 100) + twoDigits;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function utc(year: number, month: string, day: string, hour: string, minute: string, second: string): number | null {
  const monthIndex = MONTHS.indexOf(month);
  const [d, h, m, s] = [Number(day), Number(hour), Number(minute), Number(second)];
  // 60: a leap second is a valid HTTP-date second.
  if (d < 1 || h > 23 || m > 59 || s > 60) return null;
  const minuteStart = Date.UTC(year, monthIndex, d, h, m);
  // Date.UTC rolls 31 Feb over into March; such a date is malformed, not a date in March.
  if (new Date(minuteStart).getUTCDate() !== d) return null;
  return minuteStart + s * 1000;
}
