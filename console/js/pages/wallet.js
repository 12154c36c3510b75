// Wallet: balance and ledger (a test server's admin credits it: docs/api.md).
import { get } from '../api.js';
import { el, signed } from '../format.js';
import { act } from '../app.js';

export async function wallet(app) {
  const data = await act(() => Promise.all([get('/api/wallet'), get('/api/wallet/ledger?limit=100')]));
  if (!data) return;
  const [balance, ledger] = data;
  app.append(el('h1', {}, 'Wallet'),
    el('div', { class: 'card' }, el('span', { class: 'muted' }, 'Balance '), el('strong', { id: 'balance' }, `${balance.balance} ${balance.currency}`)),
    el('h2', {}, 'Ledger'),
    el('table', { id: 'ledger' }, el('thead', {}, el('tr', {}, ['Time', 'Kind', 'Amount', 'Currency'].map((n) => el('th', {}, n)))),
      el('tbody', {}, ledger.entries.length ? ledger.entries.map((entry) => {
        const amount = signed(entry.amount);
        return el('tr', {}, el('td', {}, entry.createdAt.replace('T', ' ').replace('Z', '')), el('td', {}, entry.kind),
          el('td', { class: `num ${amount.cls}` }, amount.text), el('td', {}, entry.currency));
      }) : el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'No entries yet.')))));
}
