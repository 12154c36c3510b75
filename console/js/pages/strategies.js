// Strategies: the list, and one strategy's editor (CodeMirror, Lua mode) whose
// save runs the server's check (a version upload, validated in the sandbox)
// with the errors marked on their lines; its versions; a backtest form made
// from the version's parameter schema; the result's metrics, curve and trades;
// a parameter sweep (sweep.js) whose ranked trials can each be backtested.
import { get, post, finished } from '../api.js';
import { el, money, decimal, percent, epoch } from '../format.js';
import { act, onLeave, flash } from '../app.js';
import { parameterInputs, parameterValues } from './parameters.js';
import { sweepForm } from './sweep.js';

const STARTER = `-- A starting point: long while the fast SMA is above the slow one (docs/strategy-api.md).
strategy = {
  name = "my strategy",
  params = {
    fast = { type = "integer", default = 10, min = 2, max = 100, description = "fast SMA (bars)" },
    slow = { type = "integer", default = 30, min = 3, max = 400, description = "slow SMA (bars)" },
  },
}

function on_bar(ctx, bar)
  local fast, slow = ta.sma(ctx.params.fast), ta.sma(ctx.params.slow)
  if not slow then return end
  local held = ctx.position().quantity
  if fast > slow and held <= 0 then
    ctx.buy { equity = 0.9 }
  elseif fast < slow and held > 0 then
    ctx.close()
  end
end
`;

let editorLoaded = null;
/** Loads CodeMirror and its Lua mode once (same-origin files, allowed by the CSP). */
function loadEditor() {
  if (editorLoaded) return editorLoaded;
  const base = '/console/vendor/codemirror-5.65.0/';
  document.head.append(el('link', { rel: 'stylesheet', href: base + 'codemirror.css' }));
  const script = (src) => new Promise((resolve, reject) => {
    const tag = el('script', { src });
    tag.addEventListener('load', resolve);
    tag.addEventListener('error', () => reject(new Error(`could not load ${src}`)));
    document.head.append(tag);
  });
  editorLoaded = script(base + 'codemirror.js').then(() => script(base + 'lua.js'));
  return editorLoaded;
}

export async function strategies(app, id) {
  if (id) return strategy(app, id);
  const list = el('tbody');
  const name = el('input', { name: 'name', placeholder: 'a name', required: true });
  const form = el('form', { class: 'row', id: 'new-strategy' }, name, el('button', { type: 'submit' }, 'New strategy'));
  app.append(el('h1', {}, 'Strategies'), form, el('h2', {}, 'Mine'),
    el('table', { id: 'strategies' }, el('thead', {}, el('tr', {}, ['Strategy', 'Created'].map((n) => el('th', {}, n)))), list));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const made = await act(() => post('/api/strategies', { name: name.value }));
    if (made) location.hash = `#/strategies/${made.id}`;
  });
  const mine = await act(() => get('/api/strategies'));
  if (!mine) return;
  list.replaceChildren(...mine.map((s) => el('tr', {}, el('td', {}, el('a', { href: `#/strategies/${s.id}` }, s.name)),
    el('td', {}, s.createdAt.replace('T', ' ').replace('Z', '')))));
  if (!mine.length) list.append(el('tr', {}, el('td', { colspan: 2, class: 'muted' }, 'None yet: name one above.')));
}

async function strategy(app, id) {
  const loaded = await act(() => Promise.all([get(`/api/strategies/${id}`), get(`/api/strategies/${id}/versions`), get('/api/datasets'), loadEditor()]));
  if (!loaded) return;
  const [info, versions] = loaded;
  let datasets = loaded[2];
  const accepted = versions.filter((v) => v.status === 'accepted');
  const latest = accepted[accepted.length - 1];
  const host = el('div', { class: 'editor', id: 'editor' });
  const issues = el('ul', { class: 'issues', id: 'issues' });
  const changelog = el('input', { name: 'changelog', placeholder: 'what changed (optional)', size: 40 });
  const save = el('button', { id: 'save' }, 'Check and save as a version');
  const versionList = el('tbody');
  const backtest = el('div', { id: 'backtest' });
  const result = el('div', { id: 'result' });
  const publish = el('div', { id: 'publish' });
  const sweep = el('div');
  app.append(el('h1', {}, info.name), host, el('div', { class: 'row' }, save, changelog), issues,
    el('h2', {}, 'Versions'),
    el('table', { id: 'versions' }, el('thead', {}, el('tr', {}, ['Version', 'Status', 'Changelog', 'Validation return', 'Created'].map((n) => el('th', {}, n)))), versionList),
    el('h2', {}, 'Backtest'), backtest, result, el('h2', {}, 'Parameter sweep'), sweep, el('h2', {}, 'Publish'), publish);

  const source = latest ? (await get(`/api/strategies/${id}/versions/${latest.id}/source`)).source : STARTER;
  const editor = CodeMirror(host, { value: source, mode: 'lua', lineNumbers: true, indentUnit: 2, theme: 'default' });
  editor.setSize(null, 380);
  let marked = [];
  function mark(lines) {
    for (const line of marked) editor.removeLineClass(line, 'background', 'cm-error-line');
    marked = lines.filter((line) => line >= 0 && line < editor.lineCount());
    for (const line of marked) editor.addLineClass(line, 'background', 'cm-error-line');
  }

  function renderVersions(all) {
    versionList.replaceChildren(...all.slice().reverse().map((v) => el('tr', {},
      el('td', {}, `v${v.number}`), el('td', { class: v.status === 'accepted' ? 'good' : 'bad' }, v.status), el('td', {}, v.changelog || ''),
      el('td', { class: 'num' }, v.performance?.totalReturn !== undefined ? percent(v.performance.totalReturn) : '—'),
      el('td', {}, v.createdAt.replace('T', ' ').replace('Z', '')))));
  }
  renderVersions(versions);

  save.addEventListener('click', async () => {
    save.disabled = true;
    try {
      const made = await post(`/api/strategies/${id}/versions`, { source: editor.getValue(), changelog: changelog.value });
      mark([]);
      issues.replaceChildren(el('li', { class: 'good' }, `v${made.number} accepted: callbacks ${made.callbacks.join(', ')}`));
      flash(`version ${made.number} saved`, true);
      const all = await get(`/api/strategies/${id}/versions`);
      renderVersions(all);
      renderForm(made);
      renderPublish(made);
    } catch (error) {
      const found = (error.details || []).map((d) => d.issue);
      const lines = found.flatMap((issue) => [...issue.matchAll(/:(\d+):/g)].map((m) => Number(m[1]) - 1));
      mark(lines);
      issues.replaceChildren(...(found.length ? found : [error.message]).map((issue) => el('li', { class: 'bad' }, issue)));
      if (lines.length) editor.scrollIntoView({ line: lines[0], ch: 0 }, 80);
      renderVersions(await get(`/api/strategies/${id}/versions`));
    } finally {
      save.disabled = false;
    }
  });

  // The form, from the version's declared parameters.
  function renderForm(version) {
    if (!version) {
      backtest.replaceChildren(el('p', { class: 'muted' }, 'Save an accepted version to backtest it.'));
      sweep.replaceChildren(el('p', { class: 'muted' }, 'Save an accepted version to sweep its parameters.'));
      return;
    }
    const fields = parameterInputs(version.parameters);
    const dataset = el('select', { name: 'dataset' }, datasets.map((d) => el('option', { value: d.name }, `${d.name} (${d.symbol}, ${d.rows} bars)`)));
    const cash = el('input', { name: 'cash', value: '100000.00' });
    const commission = el('input', { name: 'commission', value: '0.001' });
    const slippage = el('input', { name: 'slippage', value: '0.0005' });
    const from = el('input', { name: 'from', placeholder: 'from (ISO time, optional)' });
    const to = el('input', { name: 'to', placeholder: 'to (ISO time, optional)' });
    const run = el('button', { type: 'submit', id: 'run-backtest' }, `Backtest v${version.number}`);
    const form = el('form', { class: 'card wide', id: 'backtest-form' },
      el('div', { class: 'fields' }, fields, el('label', {}, 'Data', dataset), el('label', {}, 'Starting cash', cash),
        el('label', {}, 'Commission (rate of notional)', commission), el('label', {}, 'Slippage (rate of price)', slippage),
        el('label', {}, 'From', from), el('label', {}, 'To', to)), run);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const parameters = parameterValues(form);
      const body = { versionId: version.id, parameters, dataset: dataset.value, cash: cash.value, commission: commission.value, slippage: slippage.value };
      if (from.value) body.from = from.value;
      if (to.value) body.to = to.value;
      const job = await act(() => post(`/api/strategies/${id}/backtest`, body));
      if (job) follow(job.id);
    });
    backtest.replaceChildren(form);
    // A trial of the sweep, backtested as a stored job: its parameters go into this form.
    sweep.replaceChildren(sweepForm(id, version, datasets, (parameters) => {
      for (const [name, value] of Object.entries(parameters)) {
        const input = form.querySelector(`[data-type][name="${CSS.escape(name)}"]`);
        if (!input) continue;
        if (input.tagName === 'SELECT') input.value = JSON.stringify(value);
        else if (input.type === 'checkbox') input.checked = value === true;
        else input.value = String(value);
      }
      form.requestSubmit();
      result.scrollIntoView({ behavior: 'smooth' });
    }));
  }
  renderForm(latest);
  renderPublish(latest);

  // Publishing: a listing of the latest accepted version, submitted for review.
  function renderPublish(version) {
    if (!version) { publish.replaceChildren(el('p', { class: 'muted' }, 'Save an accepted version to publish it.')); return; }
    const title = el('input', { name: 'title', value: info.name, required: true });
    const summary = el('input', { name: 'summary', placeholder: 'one line for the search results', required: true, size: 50 });
    const category = el('select', { name: 'category' }, ['trend', 'mean_reversion', 'breakout', 'grid', 'dca', 'market_making', 'arbitrage', 'other']
      .map((c) => el('option', { value: c }, c.replace('_', ' '))));
    const price = el('input', { name: 'price', value: '10.00', size: 8 });
    const form = el('form', { class: 'row', id: 'publish-form' }, title, summary, category, price, el('span', { class: 'muted' }, 'USD'),
      el('button', { type: 'submit' }, `Publish v${version.number} for review`));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const listing = await act(() => post('/api/marketplace/listings', { strategyId: id, versionId: version.id, title: title.value,
        summary: summary.value, category: category.value, price: { amount: price.value, currency: 'USD' } }), 'listing submitted for review');
      if (listing) publish.replaceChildren(el('p', {}, 'Listing ', el('a', { href: `#/marketplace/${listing.id}`, id: 'listing-link' }, `#${listing.id}`),
        ` is ${listing.status}: an admin reviews it before it is listed.`));
    });
    publish.replaceChildren(form);
    // A listing of this strategy already exists: offer the new version to it instead.
    get('/api/marketplace/my/listings').then((listings) => {
      for (const listing of listings.filter((l) => l.strategyId === id)) {
        const offered = [listing.liveVersionId, listing.pendingVersionId].includes(version.id);
        publish.prepend(el('div', { class: 'row', 'data-listing': listing.id }, el('a', { href: `#/marketplace/${listing.id}` }, listing.title),
          el('span', { class: 'muted' }, listing.status), offered ? el('span', { class: 'muted' }, `v${version.number} is already its live or pending version`)
            : el('button', { class: 'submit-version', onclick: async () => {
              if (await act(() => post(`/api/marketplace/listings/${listing.id}/submit`, { versionId: version.id }), `v${version.number} submitted for review`)) renderPublish(version);
            } }, `Submit v${version.number} to this listing`)));
      }
    }).catch(() => {});
  }

  let here = true;
  onLeave(() => { here = false; });
  async function follow(job) {
    const view = await act(() => finished(`/api/backtests/${job}`, (running) => result.replaceChildren(
      el('p', { class: 'muted', id: 'backtest-progress' }, `${running.status}… ${Math.round((running.progress || 0) * 100)} %`)),
    { stillWanted: () => here }));
    if (view) showResult(view);
  }

  function showResult(view) {
    const parts = [];
    if (view.error) parts.push(el('p', { class: 'bad' }, `${view.status}: ${view.error.kind} ${view.error.line ? `at line ${view.error.line}` : ''} ${view.error.message}`));
    const r = view.result;
    if (r) {
      const m = r.metrics;
      const stat = (label, value) => el('div', {}, el('span', { class: 'muted' }, label), el('strong', {}, value));
      parts.push(el('div', { class: 'stats', id: 'metrics' },
        stat('Return', percent(m.totalReturn)), stat('Net profit', money(m.netProfit, r.currency)), stat('Sharpe', m.sharpe?.toFixed(2) ?? '—'),
        stat('Max drawdown', percent(m.maxDrawdown)), stat('Trades', String(m.tradeCount ?? r.trades.length)),
        stat('Win rate', percent(m.winRate)), r.partial ? stat('Partial', 'yes: the run faulted') : ''));
      const box = el('div', { class: 'chart small', id: 'backtest-chart' });
      parts.push(box, el('p', {}, el('a', { href: `/api/backtests/${view.id}/report`, target: '_blank', id: 'report-link' }, 'Open the full report (HTML)')));
      parts.push(el('table', { id: 'trades' }, el('thead', {}, el('tr', {}, ['Side', 'Quantity', 'Entry', 'Exit', 'Net P&L'].map((n) => el('th', {}, n)))),
        el('tbody', {}, r.trades.slice(-100).reverse().map((t) => el('tr', {}, el('td', {}, t.side), el('td', { class: 'num' }, decimal(t.quantity, 6)),
          el('td', {}, `${decimal(t.entryPrice)} · ${t.entryTime.replace('T', ' ').replace('Z', '')}`),
          el('td', {}, `${decimal(t.exitPrice)} · ${t.exitTime.replace('T', ' ').replace('Z', '')}`),
          el('td', { class: `num ${t.netPnL.startsWith('-') ? 'bad' : 'good'}` }, decimal(t.netPnL)))))));
      result.replaceChildren(...parts);
      const chart = LightweightCharts.createChart(box, { layout: { background: { color: '#161c23' }, textColor: '#d9e1e8' },
        grid: { vertLines: { color: '#222b35' }, horzLines: { color: '#222b35' } }, autoSize: true, timeScale: { timeVisible: true } });
      const line = chart.addLineSeries({ color: '#3d8bfd', lineWidth: 2 });
      let last = -Infinity;
      line.setData(r.equityCurve.map((p) => ({ time: epoch(p.time), value: +p.equity })).filter((p) => p.time > last && (last = p.time, true)));
      chart.timeScale().fitContent();
      onLeave(() => chart.remove());
    } else {
      result.replaceChildren(...parts);
    }
  }
}
