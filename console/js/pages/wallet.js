// Wallet: balance, payouts (with an Idempotency-Key, so a double click pays
// once) and the ledger (a test server's admin credits it: docs/api.md).
import { get, post } from '../api.js';
import { el, signed, money } from '../format.js';
import { act } from '../app.js';

export async function wallet(app) {
  const data = await act(() => Promise.all([get('/api/wallet'), get('/api/wallet/ledger?limit=100'), get('/api/wallet/payouts')]));
  if (!data) return;
  const [balance, ledger, payouts] = data;
  const amount = el('input', { name: 'amount', placeholder: '25.00', size: 10 });
  const payout = el('form', { class: 'row', id: 'payout-form' }, el('span', {}, 'Pay out'), amount, el('span', { class: 'muted' }, balance.currency),
    el('button', { type: 'submit' }, 'Request payout'));
  const key = () => `console-payout-${crypto.getRandomValues(new Uint32Array(2)).join('')}`;
  let pending = key();
  payout.addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await act(() => post('/api/wallet/payouts', { amount: amount.value.trim(), currency: balance.currency }, { 'Idempotency-Key': pending }),
      `payout of ${amount.value.trim()} ${balance.currency} requested`);
    if (done) { pending = key(); location.reload(); }
  });
  app.append(el('h1', {}, 'Wallet'),
    el('div', { class: 'card' }, el('span', { class: 'muted' }, 'Balance '), el('strong', { id: 'balance' }, `${balance.balance} ${balance.currency}`)),
    el('p', { class: 'muted' }, 'Funds come from the payment provider; on a test server an admin credits wallets (Admin → Users → Credit, docs/api.md).'),
    payout,
    el('h2', {}, 'Payouts'),
    el('table', { id: 'payouts' }, el('thead', {}, el('tr', {}, ['Time', 'Amount', 'Payout'].map((n) => el('th', {}, n)))),
      el('tbody', {}, payouts.length ? payouts.map((p) => el('tr', {}, el('td', {}, p.createdAt.replace('T', ' ').replace('Z', '')),
        el('td', { class: 'num' }, money(p.amount, p.currency)), el('td', {}, `#${p.id}`)))
        : el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'No payouts yet.')))),
    el('h2', {}, 'Ledger'),
    el('table', { id: 'ledger' }, el('thead', {}, el('tr', {}, ['Time', 'Kind', 'Amount', 'Currency'].map((n) => el('th', {}, n)))),
      el('tbody', {}, ledger.entries.length ? ledger.entries.map((entry) => {
        const amount = signed(entry.amount);
        return el('tr', {}, el('td', {}, entry.createdAt.replace('T', ' ').replace('Z', '')), el('td', {}, entry.kind),
          el('td', { class: `num ${amount.cls}` }, amount.text), el('td', {}, entry.currency));
      }) : el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'No entries yet.')))));
}
