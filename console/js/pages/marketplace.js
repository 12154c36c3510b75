// The marketplace: search with filters and sort; templates with their deploy
// forms; my listings, sales, purchases and favorites. A listing's own page is
// listing.js.
import { get, post } from '../api.js';
import { el, money, percent } from '../format.js';
import { act } from '../app.js';
import { parameterInputs, parameterValues } from './parameters.js';
import { listingPage } from './listing.js';
import { CATEGORIES } from './listing-owner.js';

export async function marketplace(app, id, user) {
  if (id) return listingPage(app, id, user);
  const q = el('input', { name: 'q', placeholder: 'search' });
  const category = el('select', { name: 'category' }, el('option', { value: '' }, 'any category'), CATEGORIES.map((c) => el('option', { value: c }, c.replace('_', ' '))));
  const sort = el('select', { name: 'sort' }, ['relevance', 'rating', 'popularity', 'performance', 'newest', 'price'].map((s) => el('option', { value: s }, s)));
  const form = el('form', { class: 'row', id: 'search' }, q, category, sort, el('button', { type: 'submit' }, 'Search'));
  const results = el('tbody');
  const mine = el('tbody');
  const bought = el('tbody');
  const sold = el('tbody');
  const favored = el('tbody');
  const templates = el('div', { id: 'templates' });
  app.append(el('h1', {}, 'Marketplace'), form,
    el('table', { id: 'listings' }, el('thead', {}, el('tr', {}, ['Listing', 'Category', 'Price', 'Rating', 'Buyers', 'Validation return'].map((n) => el('th', {}, n)))), results),
    el('div', { class: 'grid2' },
      el('div', {}, el('h2', {}, 'My listings'), el('table', { id: 'my-listings' }, el('thead', {}, el('tr', {}, ['Listing', 'Status'].map((n) => el('th', {}, n)))), mine)),
      el('div', {}, el('h2', {}, 'My purchases'), el('table', { id: 'my-purchases' }, el('thead', {}, el('tr', {}, ['Listing', 'Paid', 'Status'].map((n) => el('th', {}, n)))), bought)),
      el('div', {}, el('h2', {}, 'My sales'), el('table', { id: 'my-sales' }, el('thead', {}, el('tr', {}, ['Listing', 'Sales', 'Refunds', 'Gross', 'Fees', 'Net'].map((n) => el('th', {}, n)))), sold)),
      el('div', {}, el('h2', {}, 'Favorites'), el('table', { id: 'favorites' }, el('thead', {}, el('tr', {}, ['Favorite', 'Kind'].map((n) => el('th', {}, n)))), favored))),
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
  const [listings, purchases, sales, favorites] = await Promise.all([get('/api/marketplace/my/listings'), get('/api/marketplace/my/purchases'),
    get('/api/marketplace/my/sales'), get('/api/marketplace/favorites')]);
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
  const titles = new Map(listings.map((l) => [l.id, l.title]));
  mine.replaceChildren(...listings.map((l) => el('tr', {}, el('td', {}, el('a', { href: `#/marketplace/${l.id}` }, l.title)),
    el('td', {}, l.status, l.statusReason ? el('span', { class: 'muted' }, ` — ${l.statusReason}`) : ''))));
  sold.replaceChildren(...sales.map((s) => el('tr', { 'data-listing': s.listingId },
    el('td', {}, el('a', { href: `#/marketplace/${s.listingId}` }, titles.get(s.listingId) ?? `#${s.listingId}`)),
    el('td', { class: 'num' }, String(s.sales)), el('td', { class: 'num' }, String(s.refunds)), el('td', { class: 'num' }, money(s.gross)),
    el('td', { class: 'num' }, money(s.fees)), el('td', { class: 'num' }, money(s.net, s.currency)))));
  if (!sales.length) sold.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No sales yet.')));
  favored.replaceChildren(...favorites.map((f) => el('tr', {}, el('td', {}, f.kind === 'listing'
    ? el('a', { href: `#/marketplace/${f.id}` }, `listing #${f.id}`) : `template ${f.id}`), el('td', {}, f.kind))));
  if (!favorites.length) favored.append(el('tr', {}, el('td', { colspan: 2, class: 'muted' }, 'Nothing favorited: use ☆ on a listing.')));
  bought.replaceChildren(...purchases.map((p) => el('tr', {}, el('td', {}, el('a', { href: `#/marketplace/${p.listingId}` }, `#${p.listingId}`)),
    el('td', { class: 'num' }, p.price ? money(p.price.amount, p.price.currency) : ''), el('td', {}, p.status))));
  if (!purchases.length) bought.append(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'Nothing bought yet.')));
  if (!listings.length) mine.append(el('tr', {}, el('td', { colspan: 2, class: 'muted' }, 'Nothing listed: publish from a strategy page.')));
}

function stat(label, value) { return el('div', {}, el('span', { class: 'muted' }, label), el('strong', {}, value)); }
