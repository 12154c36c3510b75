// A listing's page: validation figures with their period and fees, curve,
// verified paper record, parameters; buy, backtest without the source, deploy
// with parameters; favorite, report, reviews (write or edit mine, report one).
// Its author also edits it, submits a version, attaches a paper record and
// unpublishes it (listing-owner.js).
import { get, post, put, del, finished } from '../api.js';
import { el, money, percent, epoch } from '../format.js';
import { act, onLeave } from '../app.js';
import { parameterInputs, parameterValues } from './parameters.js';
import { ownerPanel } from './listing-owner.js';

export async function listingPage(app, id, user) {
  const loaded = await act(() => Promise.all([get(`/api/marketplace/listings/${id}`),
    get(`/api/marketplace/listings/${id}/reviews`).catch(() => []), get('/api/marketplace/favorites').catch(() => [])]));
  if (!loaded) return;
  const [listing, reviews, favorites] = loaded;
  const v = listing.validation;
  const c = v?.conditions;
  const curveBox = el('div', { class: 'chart small', id: 'listing-chart' });
  const actions = el('div', { class: 'row' });
  const outcome = el('div', { id: 'listing-outcome' });
  const mine = listing.authorId === user.id;
  const record = listing.paperRecord;
  app.append(
    el('div', { class: 'row' }, el('h1', {}, listing.title), el('span', { class: 'status' }, listing.status), el('span', { class: 'spacer' }),
      favoriteButton(id, favorites.some((f) => f.kind === 'listing' && f.id === id)),
      el('strong', { id: 'price' }, money(listing.price.amount, listing.price.currency))),
    el('p', {}, listing.summary), listing.description ? el('p', { class: 'muted' }, listing.description) : '',
    listing.tags?.length ? el('p', { class: 'muted' }, listing.tags.map((t) => `#${t}`).join(' ')) : '',
    el('h2', {}, 'Validation backtest'),
    v ? el('div', { class: 'stats', id: 'validation' },
      stat('Return', percent(v.totalReturn)), stat('Max drawdown', percent(v.maxDrawdown)), stat('Sharpe', v.sharpe?.toFixed(2) ?? '—'),
      stat('Trades', String(v.tradeCount)),
      c ? stat('Period', `${c.from.slice(0, 10)} → ${c.to.slice(0, 10)} (${c.dataset})`) : '',
      c ? stat('Fees', `${c.commissionBasisPoints} bp commission, ${c.slippageBasisPoints} bp slippage`) : '') : el('p', { class: 'muted' }, 'No validation run yet.'),
    v ? curveBox : '',
    record ? el('div', {}, el('h2', {}, 'Verified paper record'), el('div', { class: 'stats', id: 'paper-record' },
      stat('Since', record.since.slice(0, 10)), stat('Status', record.status),
      stat('Return', percent(record.totalReturn)), stat('Max drawdown', percent(record.maxDrawdown)),
      stat('Trades', String(record.trades)), stat('Fills', String(record.fills)))) : '',
    el('h2', {}, 'Parameters'),
    el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Type', 'Default', 'Range', 'Description'].map((n) => el('th', {}, n)))),
      el('tbody', {}, (listing.parameters || []).map((p) => el('tr', {}, el('td', {}, p.name), el('td', {}, p.type), el('td', {}, JSON.stringify(p.default)),
        el('td', {}, p.choices ? p.choices.join(', ') : `${p.minimum ?? ''} … ${p.maximum ?? ''}`), el('td', {}, p.description || ''))))),
    el('h2', {}, 'Buy, backtest, deploy'), actions, outcome);
  if (mine) app.append(el('h2', {}, 'Your listing'), await ownerPanel(listing));
  if (user.role !== 'user') app.append(moderation(listing));
  app.append(el('h2', {}, 'Reviews'), reviewSection(listing, reviews, user, mine), mine ? '' : reportForm(`/api/marketplace/listings/${id}/report`, 'Report this listing', 'report-listing'));

  let here = true;
  onLeave(() => { here = false; });
  if (v) {
    const chart = LightweightCharts.createChart(curveBox, { layout: { background: { color: '#161c23' }, textColor: '#d9e1e8' }, autoSize: true,
      grid: { vertLines: { color: '#222b35' }, horzLines: { color: '#222b35' } } });
    let last = -Infinity;
    chart.addLineSeries({ color: '#3d8bfd', lineWidth: 2 }).setData(v.equityCurve.map((p) => ({ time: epoch(p.time), value: +p.equity }))
      .filter((p) => p.time > last && (last = p.time, true)));
    chart.timeScale().fitContent();
    onLeave(() => chart.remove());
  }

  const buy = el('button', { id: 'buy', onclick: async () => {
    const key = `console-${id}-${crypto.getRandomValues(new Uint32Array(2)).join('')}`;
    const done = await act(() => post(`/api/marketplace/listings/${id}/purchase`, {}, { 'Idempotency-Key': key }), 'bought: you can deploy it now');
    if (done) outcome.replaceChildren(el('p', { class: 'good', id: 'bought' }, `Bought for ${money(listing.price.amount, listing.price.currency)}.`));
  } }, `Buy for ${money(listing.price.amount, listing.price.currency)}`);
  const backtest = el('button', { class: 'secondary', id: 'listing-backtest', onclick: async () => {
    const job = await act(() => post(`/api/marketplace/listings/${id}/backtest`, {}));
    if (!job) return;
    outcome.replaceChildren(el('p', { class: 'muted' }, 'backtesting…'));
    const view = await act(() => finished(`/api/backtests/${job.id}`, () => {}, { stillWanted: () => here }));
    if (!view) return;
    const m = view.result?.metrics;
    outcome.replaceChildren(el('div', { class: 'stats', id: 'listing-backtest-result' },
      stat('Status', view.status), m ? stat('Return', percent(m.totalReturn)) : '', m ? stat('Max drawdown', percent(m.maxDrawdown)) : '',
      m ? stat('Trades', String(view.result.trades.length)) : '',
      el('a', { href: `/api/backtests/${job.id}/report`, target: '_blank' }, 'report')));
  } }, 'Backtest it (the code stays hidden)');
  const deployForm = el('form', { class: 'card wide', id: 'deploy-form' }, el('div', { class: 'fields' }, parameterInputs(listing.parameters || [])),
    el('button', { type: 'submit' }, 'Deploy on paper'));
  deployForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const made = await act(() => post('/api/deployments', { listingId: id, parameters: parameterValues(deployForm) }), 'deployed');
    if (made) location.hash = `#/deployments/${made.id}`;
  });
  if (!mine) actions.append(buy);
  actions.append(backtest);
  outcome.after(deployForm);
}

/** A star that favorites or unfavorites the listing. */
function favoriteButton(id, on) {
  const button = el('button', { class: 'secondary', id: 'favorite' });
  const show = () => { button.textContent = on ? '★ Favorite' : '☆ Favorite'; button.setAttribute('aria-pressed', String(on)); };
  button.addEventListener('click', async () => {
    const path = `/api/marketplace/listings/${id}/favorite`;
    if (await act(() => (on ? del(path) : post(path)), on ? 'removed from favorites' : 'added to favorites') !== undefined) { on = !on; show(); }
  });
  show();
  return button;
}

/** The reviews, my own review's form (write or edit), and a report link on the others'. */
function reviewSection(listing, reviews, user, mine) {
  const box = el('div', { id: 'reviews' });
  const own = reviews.find((r) => r.userId === user.id);
  box.append(...reviews.map((r) => el('div', { class: 'review', 'data-review': r.id },
    el('p', {}, el('strong', {}, `${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)} ${r.title}`), ' ',
      el('span', { class: 'muted' }, `#${r.userId} · ${r.createdAt.slice(0, 10)}${r.updatedAt !== r.createdAt ? ' (edited)' : ''}`)),
    r.body ? el('p', {}, r.body) : '',
    r.userId !== user.id ? reportForm(`/api/marketplace/reviews/${r.id}/report`, 'Report', 'report-review') : '')));
  if (!reviews.length) box.append(el('p', { class: 'muted' }, 'No reviews yet.'));
  if (mine) return box;
  const rating = el('select', { name: 'rating' }, [5, 4, 3, 2, 1].map((n) => el('option', { value: n, selected: own?.rating === n }, `${n} ★`)));
  const title = el('input', { name: 'title', placeholder: 'title', value: own?.title ?? '', size: 30 });
  const body = el('textarea', { name: 'body', placeholder: 'what you found (optional)', rows: 3, cols: 60 }, own?.body ?? '');
  const form = el('form', { class: 'card wide', id: 'review-form' }, el('div', { class: 'fields' }, el('label', {}, 'Rating', rating),
    el('label', {}, 'Title', title), el('label', {}, 'Review', body)),
    el('button', { type: 'submit' }, own ? 'Save my review' : 'Post a review'), el('span', { class: 'muted' }, ' Buyers only: one review each.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const review = { rating: Number(rating.value), title: title.value, body: body.value || null };
    const done = await act(() => (own ? put(`/api/marketplace/reviews/${own.id}`, review) : post(`/api/marketplace/listings/${listing.id}/reviews`, review)),
      own ? 'review saved' : 'review posted');
    if (done) location.reload();
  });
  box.append(form);
  return box;
}

/** A small "report" form: a reason, sent to the moderators. */
function reportForm(path, label, cls) {
  const reason = el('input', { name: 'reason', placeholder: 'what is wrong', size: 30, hidden: true });
  const send = el('button', { type: 'submit', class: 'secondary', hidden: true }, 'Send');
  const open = el('button', { type: 'button', class: 'secondary link' }, label);
  const form = el('form', { class: `row ${cls}` }, open, reason, send);
  open.addEventListener('click', () => { reason.hidden = false; send.hidden = false; open.hidden = true; reason.focus(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await act(() => post(path, { reason: reason.value }), 'reported: a moderator will look at it')) form.replaceChildren(el('span', { class: 'muted' }, 'Reported.'));
  });
  return form;
}

/** Admins: suspend a listed listing or reinstate a suspended one (the queue approves and rejects). */
function moderation(listing) {
  const action = listing.status === 'suspended' ? 'reinstate' : listing.status === 'approved' ? 'suspend' : null;
  if (!action) return '';
  return el('div', { class: 'row', id: 'moderation' }, el('span', { class: 'muted' }, 'Moderation:'),
    el('button', { class: action === 'suspend' ? 'danger' : 'secondary', onclick: async () => {
      const why = window.prompt(`Reason to ${action} the listing:`, `${action} by an admin`);
      if (why && await act(() => post(`/api/admin/listings/${listing.id}/${action}`, { reason: why }), `listing ${action === 'suspend' ? 'suspended' : 'reinstated'}`)) location.reload();
    } }, action === 'suspend' ? 'Suspend listing' : 'Reinstate listing'));
}

function stat(label, value) { return el('div', {}, el('span', { class: 'muted' }, label), el('strong', {}, value)); }
