// The marketplace: search, a listing's page (validation figures with their
// period and fees, curve, paper record, parameters, reviews), buy, backtest
// a listing without its source, deploy with parameters; my listings and purchases.
import { get, post } from '../api.js';
import { el, money, percent, epoch } from '../format.js';
import { act, onLeave } from '../app.js';
import { parameterInputs, parameterValues } from './parameters.js';

const CATEGORIES = ['trend', 'mean_reversion', 'breakout', 'grid', 'dca', 'market_making', 'arbitrage', 'other'];

export async function marketplace(app, id) {
  if (id) return listingPage(app, id);
  const q = el('input', { name: 'q', placeholder: 'search' });
  const category = el('select', { name: 'category' }, el('option', { value: '' }, 'any category'), CATEGORIES.map((c) => el('option', { value: c }, c.replace('_', ' '))));
  const sort = el('select', { name: 'sort' }, ['relevance', 'rating', 'popularity', 'performance', 'newest', 'price'].map((s) => el('option', { value: s }, s)));
  const form = el('form', { class: 'row', id: 'search' }, q, category, sort, el('button', { type: 'submit' }, 'Search'));
  const results = el('tbody');
  const mine = el('tbody');
  const bought = el('tbody');
  const templates = el('div', { id: 'templates' });
  app.append(el('h1', {}, 'Marketplace'), form,
    el('table', { id: 'listings' }, el('thead', {}, el('tr', {}, ['Listing', 'Category', 'Price', 'Rating', 'Buyers', 'Validation return'].map((n) => el('th', {}, n)))), results),
    el('div', { class: 'grid2' },
      el('div', {}, el('h2', {}, 'My listings'), el('table', { id: 'my-listings' }, el('thead', {}, el('tr', {}, ['Listing', 'Status'].map((n) => el('th', {}, n)))), mine)),
      el('div', {}, el('h2', {}, 'My purchases'), el('table', { id: 'my-purchases' }, el('thead', {}, el('tr', {}, ['Listing', 'Paid', 'Status'].map((n) => el('th', {}, n)))), bought))),
    el('h2', {}, 'Templates (free, deploy with your parameters)'), templates);

  async function search() {
    const params = new URLSearchParams({ sort: sort.value, limit: '50' });
    if (q.value.trim()) params.set('q', q.value.trim());
    if (category.value) params.set('category', category.value);
    const page = await act(() => get(`/api/marketplace/listings?${params}`));
    if (!page) return;
    results.replaceChildren(...page.listings.map((l) => el('tr', { 'data-listing': l.id },
      el('td', {}, el('a', { href: `#/marketplace/${l.id}` }, l.title), el('div', { class: 'muted' }, l.summary)),
      el('td', {}, l.category), el('td', { class: 'num' }, money(l.price.amount, l.price.currency)),
      el('td', { class: 'num' }, l.ratingCount ? `${l.ratingAverage.toFixed(1)} (${l.ratingCount})` : '—'), el('td', { class: 'num' }, String(l.buyerCount)),
      el('td', { class: 'num' }, l.performance?.totalReturn !== undefined ? percent(l.performance.totalReturn) : '—'))));
    if (!page.listings.length) results.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'Nothing listed matches.')));
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); search(); });
  await search();
  const [listings, purchases] = await Promise.all([get('/api/marketplace/my/listings'), get('/api/marketplace/my/purchases')]);
  // Templates: the same deploy form, made from each template's parameter schema.
  const bundled = await get('/api/templates');
  templates.replaceChildren(...bundled.map((t) => {
    const deploy = el('form', { class: 'card wide', 'data-template': t.id },
      el('div', { class: 'row' }, el('strong', {}, t.title), el('span', { class: 'muted' }, `${t.category} · ${t.description}`)),
      el('div', { class: 'fields' }, parameterInputs(t.parameterSchema)), el('button', { type: 'submit' }, `Deploy ${t.title} on paper`));
    deploy.addEventListener('submit', async (event) => {
      event.preventDefault();
      const made = await act(() => post(`/api/templates/${t.id}/deploy`, { parameters: parameterValues(deploy) }), 'deployed');
      if (made) location.hash = `#/deployments/${made.id}`;
    });
    return deploy;
  }));
  mine.replaceChildren(...listings.map((l) => el('tr', {}, el('td', {}, el('a', { href: `#/marketplace/${l.id}` }, l.title)), el('td', {}, l.status))));
  bought.replaceChildren(...purchases.map((p) => el('tr', {}, el('td', {}, el('a', { href: `#/marketplace/${p.listingId}` }, `#${p.listingId}`)),
    el('td', { class: 'num' }, p.price ? money(p.price.amount, p.price.currency) : ''), el('td', {}, p.status))));
}

async function listingPage(app, id) {
  const listing = await act(() => get(`/api/marketplace/listings/${id}`));
  if (!listing) return;
  const reviews = await get(`/api/marketplace/listings/${id}/reviews`).catch(() => []);
  const v = listing.validation;
  const c = v?.conditions;
  const curveBox = el('div', { class: 'chart small', id: 'listing-chart' });
  const actions = el('div', { class: 'row' });
  const outcome = el('div', { id: 'listing-outcome' });
  app.append(
    el('div', { class: 'row' }, el('h1', {}, listing.title), el('span', { class: 'status' }, listing.status), el('span', { class: 'spacer' }),
      el('strong', { id: 'price' }, money(listing.price.amount, listing.price.currency))),
    el('p', {}, listing.summary), listing.description ? el('p', { class: 'muted' }, listing.description) : '',
    el('h2', {}, 'Validation backtest'),
    v ? el('div', { class: 'stats', id: 'validation' },
      stat('Return', percent(v.totalReturn)), stat('Max drawdown', percent(v.maxDrawdown)), stat('Sharpe', v.sharpe?.toFixed(2) ?? '—'),
      stat('Trades', String(v.tradeCount)),
      c ? stat('Period', `${c.from.slice(0, 10)} → ${c.to.slice(0, 10)} (${c.dataset})`) : '',
      c ? stat('Fees', `${c.commissionBasisPoints} bp commission, ${c.slippageBasisPoints} bp slippage`) : '') : el('p', { class: 'muted' }, 'No validation run yet.'),
    v ? curveBox : '',
    listing.paperRecord ? el('div', {}, el('h2', {}, 'Verified paper record'), el('div', { class: 'stats' },
      stat('Since', listing.paperRecord.since.slice(0, 10)), stat('Status', listing.paperRecord.status),
      stat('Return', percent(listing.paperRecord.totalReturn)), stat('Max drawdown', percent(listing.paperRecord.maxDrawdown)),
      stat('Trades', String(listing.paperRecord.trades)))) : '',
    el('h2', {}, 'Parameters'),
    el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Type', 'Default', 'Range', 'Description'].map((n) => el('th', {}, n)))),
      el('tbody', {}, (listing.parameters || []).map((p) => el('tr', {}, el('td', {}, p.name), el('td', {}, p.type), el('td', {}, JSON.stringify(p.default)),
        el('td', {}, p.choices ? p.choices.join(', ') : `${p.minimum ?? ''} … ${p.maximum ?? ''}`), el('td', {}, p.description || ''))))),
    el('h2', {}, 'Buy, backtest, deploy'), actions, outcome,
    el('h2', {}, 'Reviews'),
    el('div', {}, reviews.length ? reviews.map((r) => el('p', {}, el('strong', {}, `${'★'.repeat(r.rating)} ${r.title}`), ' ', r.body || ''))
      : el('p', { class: 'muted' }, 'No reviews yet.')));

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
    for (let i = 0; i < 240; i++) {
      const view = await get(`/api/backtests/${job.id}`);
      if (view.status !== 'queued' && view.status !== 'running') {
        const m = view.result?.metrics;
        outcome.replaceChildren(el('div', { class: 'stats', id: 'listing-backtest-result' },
          stat('Status', view.status), m ? stat('Return', percent(m.totalReturn)) : '', m ? stat('Max drawdown', percent(m.maxDrawdown)) : '',
          m ? stat('Trades', String(view.result.trades.length)) : '',
          el('a', { href: `/api/backtests/${job.id}/report`, target: '_blank' }, 'report')));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } }, 'Backtest it (the code stays hidden)');
  const deployForm = el('form', { class: 'card wide', id: 'deploy-form' }, el('div', { class: 'fields' }, parameterInputs(listing.parameters || [])),
    el('button', { type: 'submit' }, 'Deploy on paper'));
  deployForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const made = await act(() => post('/api/deployments', { listingId: id, parameters: parameterValues(deployForm) }), 'deployed');
    if (made) location.hash = `#/deployments/${made.id}`;
  });
  actions.append(buy, backtest);
  outcome.after(deployForm);
}

function stat(label, value) { return el('div', {}, el('span', { class: 'muted' }, label), el('strong', {}, value)); }
