// Exact display of the API's decimal strings (docs/api.md, "Units and times"):
// no floating point between the server's value and what is shown.
const UNITS = 8;

function toUnits(text) {
  if (typeof text !== 'string' || !/^-?\d+(\.\d+)?$/.test(text)) return null;
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const units = BigInt(whole) * 10n ** BigInt(UNITS) + BigInt((fraction + '0'.repeat(UNITS)).slice(0, UNITS));
  return negative ? -units : units;
}

function group(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

/** A decimal string rounded half away from zero to `places`, with thousands separators. */
export function decimal(text, places = 2) {
  const units = toUnits(text);
  if (units === null) return text ?? '—';
  const step = 10n ** BigInt(UNITS - places);
  const negative = units < 0n;
  let magnitude = negative ? -units : units;
  magnitude = (magnitude + step / 2n) / step;
  const scale = 10n ** BigInt(places);
  const whole = group((magnitude / scale).toString());
  const fraction = places > 0 ? '.' + (magnitude % scale).toString().padStart(places, '0') : '';
  return (negative && magnitude !== 0n ? '-' : '') + whole + fraction;
}

export const money = (text, currency) => decimal(text, 2) + (currency ? ` ${currency}` : '');

/** A signed amount with its class for colour. */
export function signed(text) {
  const units = toUnits(text);
  const cls = units === null || units === 0n ? '' : units > 0n ? 'good' : 'bad';
  return { text: (units !== null && units > 0n ? '+' : '') + decimal(text, 2), cls };
}

export function percent(fraction) {
  return typeof fraction === 'number' ? (fraction * 100).toFixed(2) + ' %' : '—';
}

/** "12 s ago" from an ISO time. */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** Seconds since the epoch from an ISO time (charts). */
export const epoch = (iso) => Math.floor(Date.parse(iso) / 1000);

/** Builds an element: el('td', {class: 'num'}, 'text', child...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
