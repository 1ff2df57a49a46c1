/** UTC timestamps in ISO-8601 with milliseconds, cheap enough to make for every event. */

/** Formats `time` as `2026-11-26T08:30:00.005Z`; the text up to the seconds is reused within a second. */
export function createTimestampFormatter(): (time: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (time) => {
    const currentSecond = Math.floor(time / 1000);
    if (currentSecond !== second) {
      second = currentSecond;
      prefix = new Date(currentSecond * 1000).toISOString().slice(0, -4);
    }
    const millis = time - currentSecond * 1000;
    return `${prefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  };
}
