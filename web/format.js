// Formatting for display the Vietnamese way: dd/mm/yyyy dates, 24-hour
// times, numbers with '.' for thousands and ',' for decimals.

const pad2 = (n) => String(n).padStart(2, '0');

// "14:05:09 23/11/2026" in the browser's local time.
export function formatDateTime(date) {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} `
    + `${pad2(date.getDate())}/${pad2(date.getMonth() + 1)}/${date.getFullYear()}`;
}

// 1234567.5 -> "1.234.567,5" in Vietnamese; "1,234,567.5" when the page is
// in English.
export function formatNumber(value, maxFractionDigits = 2) {
  const locale = globalThis.document?.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: maxFractionDigits }).format(value);
}

// A duration as its two largest units, e.g. "2 giờ 5 phút"; the unit words
// come from the dictionary (t('unit.hour') ...).
export function formatDuration(totalSeconds, t) {
  let s = Math.max(0, Math.floor(Number(totalSeconds) || 0));
  const parts = [];
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]]) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0 || (unit === 'second' && parts.length === 0)) parts.push(`${formatNumber(n)} ${t(`unit.${unit}`)}`);
  }
  return parts.slice(0, 2).join(' ');
}
