// A deployment's whole journal, page by page (the API's cursors): every
// order with its status and reason, every fill; and the parameters it runs
// with. The detail page's live tables show only the latest.
import { get } from '../api.js';
import { el, decimal, money } from '../format.js';
import { act } from '../app.js';

const PAGE = 50;

export function historySection(id, view) {
  const orders = pager(`/api/deployments/${id}/orders`, 'orders', 'order-history',
    ['Time', 'Id', 'Side', 'Type', 'Quantity', 'Price', 'Filled', 'Status'], (o) => [
      time(o.createdTime), String(o.id), o.side, o.type, decimal(o.quantity, 6),
      o.price ? decimal(o.price) : o.trigger ? `stop ${decimal(o.trigger)}` : 'market', decimal(o.filledQuantity ?? '0', 6),
      o.reason ? `${o.status} (${o.reason.code})` : o.status]);
  const fills = pager(`/api/deployments/${id}/fills`, 'fills', 'fill-history',
    ['Time', 'Side', 'Symbol', 'Quantity', 'Price', 'Fee', 'Order'], (f) => [
      time(f.time), f.side, f.symbol, decimal(f.quantity, 6), decimal(f.price), money(f.fee), String(f.orderId)]);
  const parameters = Object.entries(view.parameters || {});
  return el('div', { id: 'history' },
    el('h2', {}, 'Parameters'),
    parameters.length ? el('table', { id: 'parameters' }, el('tbody', {}, parameters.map(([name, value]) => el('tr', {}, el('td', {}, name), el('td', {}, JSON.stringify(value))))))
      : el('p', { class: 'muted' }, 'Runs with its defaults.'),
    el('h2', {}, 'All orders'), orders, el('h2', {}, 'All fills'), fills);
}

/** A table of one journal, newest first, with Newer/Older buttons over the cursor pages. */
function pager(path, key, tableID, names, cells) {
  const body = el('tbody');
  const older = el('button', { class: 'secondary older' }, 'Older');
  const newer = el('button', { class: 'secondary newer' }, 'Newer');
  const where = el('span', { class: 'muted' });
  const cursors = [null];  // the cursor of each page shown so far; the last is the current page's
  let next = null;
  async function show(cursor) {
    const page = await act(() => get(`${path}?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
    if (!page) return;
    next = page.nextCursor ?? null;
    body.replaceChildren(...page[key].map((row) => el('tr', {}, cells(row).map((cell) => el('td', {}, cell)))));
    if (!page[key].length) body.append(el('tr', {}, el('td', { colspan: names.length, class: 'muted' }, 'None yet.')));
    older.disabled = !next;
    newer.disabled = cursors.length <= 1;
    where.textContent = `page ${cursors.length}`;
  }
  older.addEventListener('click', () => { cursors.push(next); show(next); });
  newer.addEventListener('click', () => { cursors.pop(); show(cursors[cursors.length - 1]); });
  show(null);
  return el('div', {}, el('table', { id: tableID }, el('thead', {}, el('tr', {}, names.map((n) => el('th', {}, n)))), body),
    el('div', { class: 'row' }, newer, older, where));
}

const time = (iso) => (iso ? iso.replace('T', ' ').replace('Z', '') : '—');
