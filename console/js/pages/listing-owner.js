// What a listing's author does on its page: edit it, submit a newer version
// for review, attach a running deployment of the live version as the
// verified paper record (or remove it), see its sales, unpublish it.
import { get, post, put, del } from '../api.js';
import { el, money } from '../format.js';
import { act } from '../app.js';

export const CATEGORIES = ['trend', 'mean_reversion', 'breakout', 'grid', 'dca', 'market_making', 'arbitrage', 'other'];

export async function ownerPanel(listing) {
  const [versions, deployments, sales] = await Promise.all([
    get(`/api/strategies/${listing.strategyId}/versions`).catch(() => []), get('/api/deployments').catch(() => []),
    get('/api/marketplace/my/sales').catch(() => [])]);
  const line = sales.find((s) => s.listingId === listing.id);
  return el('div', { id: 'owner-panel' },
    line ? el('p', { id: 'listing-sales' }, `${line.sales} sales, ${line.refunds} refunds: ${money(line.gross)} gross, ${money(line.fees)} fees, `,
      el('strong', {}, `${money(line.net, line.currency)} net`)) : el('p', { class: 'muted' }, 'No sales yet.'),
    editForm(listing), submitForm(listing, versions), paperRecordForm(listing, deployments),
    listing.status === 'unpublished' ? '' : el('button', { class: 'danger', id: 'unpublish', onclick: async () => {
      if (!window.confirm('Unpublish this listing? Buyers keep what they bought; nobody new can buy it.')) return;
      if (await act(() => post(`/api/marketplace/listings/${listing.id}/unpublish`), 'unpublished') !== undefined) location.reload();
    } }, 'Unpublish'));
}

function editForm(listing) {
  const title = el('input', { name: 'title', value: listing.title, size: 30 });
  const summary = el('input', { name: 'summary', value: listing.summary, size: 50 });
  const description = el('textarea', { name: 'description', rows: 3, cols: 60 }, listing.description ?? '');
  const category = el('select', { name: 'category' }, CATEGORIES.map((c) => el('option', { value: c, selected: c === listing.category }, c.replace('_', ' '))));
  const price = el('input', { name: 'price', value: listing.price.amount, size: 8 });
  const tags = el('input', { name: 'tags', value: (listing.tags || []).join(' '), placeholder: 'tags, space-separated', size: 30 });
  const form = el('form', { class: 'card wide', id: 'listing-edit' }, el('div', { class: 'fields' },
    el('label', {}, 'Title', title), el('label', {}, 'Summary', summary), el('label', {}, 'Category', category),
    el('label', {}, `Price (${listing.price.currency})`, price), el('label', {}, 'Tags', tags), el('label', {}, 'Description', description)),
  el('button', { type: 'submit' }, 'Save the listing'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { title: title.value, summary: summary.value, description: description.value || null, category: category.value,
      price: { amount: price.value.trim(), currency: listing.price.currency }, tags: tags.value.split(/\s+/).filter(Boolean) };
    if (await act(() => put(`/api/marketplace/listings/${listing.id}`, body), 'listing saved')) location.reload();
  });
  return form;
}

function submitForm(listing, versions) {
  const newer = versions.filter((v) => v.status === 'accepted' && v.id !== listing.liveVersionId && v.id !== listing.pendingVersionId);
  if (listing.pendingVersionId) {
    const pending = versions.find((v) => v.id === listing.pendingVersionId);
    return el('p', { class: 'muted', id: 'pending-version' }, `${pending ? `v${pending.number}` : 'A version'} waits for a moderator's review.`);
  }
  if (!newer.length) return el('p', { class: 'muted' }, 'No newer accepted version to submit: save one on the strategy page.');
  const version = el('select', { name: 'versionId' }, newer.slice().reverse().map((v) => el('option', { value: v.id }, `v${v.number} ${v.changelog || ''}`)));
  const form = el('form', { class: 'row', id: 'submit-version' }, version, el('button', { type: 'submit' }, 'Submit for review'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await act(() => post(`/api/marketplace/listings/${listing.id}/submit`, { versionId: Number(version.value) }), 'submitted for review')) location.reload();
  });
  return form;
}

function paperRecordForm(listing, deployments) {
  if (listing.paperRecord) {
    return el('div', { class: 'row' }, el('span', {}, `Paper record: deployment #${listing.paperRecord.deploymentId}`),
      el('button', { class: 'secondary', id: 'paper-record-remove', onclick: async () => {
        if (await act(() => del(`/api/marketplace/listings/${listing.id}/paper-record`), 'paper record removed') !== undefined) location.reload();
      } }, 'Remove'));
  }
  const candidates = deployments.filter((d) => (d.listingId === listing.id || d.versionId === listing.liveVersionId) && d.status !== 'stopped');
  if (!candidates.length) return el('p', { class: 'muted', id: 'paper-record-hint' }, 'Deploy the live version on paper to attach a verified paper record.');
  const deployment = el('select', { name: 'deploymentId' }, candidates.map((d) => el('option', { value: d.id }, `#${d.id} ${d.strategyName} (${d.status})`)));
  const form = el('form', { class: 'row', id: 'paper-record-attach' }, deployment, el('button', { type: 'submit' }, 'Attach as the paper record'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await act(() => put(`/api/marketplace/listings/${listing.id}/paper-record`, { deploymentId: Number(deployment.value) }), 'paper record attached')) location.reload();
  });
  return form;
}
