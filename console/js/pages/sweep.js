// A parameter sweep on the strategy page (POST /api/strategies/{id}/optimize,
// docs/optimize.md): a range per declared parameter (min, max, step for
// numbers; the values to try for choices and booleans), grid or seeded
// random search, the objective, an optional walk-forward; then the ranked
// trials, each of which can be backtested as a stored job.
import { post, finished } from '../api.js';
import { el, percent } from '../format.js';
import { act, onLeave } from '../app.js';

export function sweepForm(strategyId, version, datasets, backtestWith) {
  const box = el('div', { id: 'sweep' });
  const outcome = el('div', { id: 'sweep-result' });
  const rows = version.parameters.map((p) => rangeRow(p));
  const dataset = el('select', { name: 'dataset' }, datasets.map((d) => el('option', { value: d.name }, d.name)));
  const search = el('select', { name: 'search' }, el('option', { value: 'grid' }, 'grid: every combination'), el('option', { value: 'random' }, 'random (seeded)'));
  const trials = el('input', { name: 'trials', type: 'number', value: 30, min: 1, max: 200, size: 5 });
  const objective = el('select', { name: 'objective' }, ['sharpe', 'return', 'return_over_drawdown'].map((o) => el('option', { value: o }, o.replaceAll('_', ' '))));
  const windows = el('input', { name: 'windows', type: 'number', min: 0, max: 20, value: 0, size: 4 });
  const commission = el('input', { name: 'commission', value: '0.001', size: 8 });
  const form = el('form', { class: 'card wide', id: 'sweep-form' },
    el('table', { class: 'ranges' }, el('thead', {}, el('tr', {}, ['Parameter', 'Sweep', 'From', 'To', 'Step / values'].map((n) => el('th', {}, n)))),
      el('tbody', {}, rows.map((r) => r.row))),
    el('div', { class: 'fields' }, el('label', {}, 'Data', dataset), el('label', {}, 'Search', search), el('label', {}, 'Random trials', trials),
      el('label', {}, 'Rank by', objective), el('label', {}, 'Commission (rate)', commission), el('label', {}, 'Walk-forward windows (0: none)', windows)),
    el('button', { type: 'submit', id: 'run-sweep' }, `Sweep v${version.number} (at most 200 backtests)`));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ranges = {};
    for (const r of rows) if (r.swept()) ranges[r.name] = r.range();
    if (!Object.keys(ranges).length) { outcome.replaceChildren(el('p', { class: 'bad' }, 'Tick at least one parameter to sweep.')); return; }
    const body = { versionId: version.id, ranges, dataset: dataset.value, search: search.value, objective: objective.value, commission: commission.value };
    if (search.value === 'random') body.trials = Number(trials.value);
    if (Number(windows.value) > 0) body.walkForward = { windows: Number(windows.value) };
    const job = await act(() => post(`/api/strategies/${strategyId}/optimize`, body));
    if (job) follow(job.id);
  });
  box.append(form, outcome);

  let here = true;
  onLeave(() => { here = false; });
  async function follow(id) {
    const view = await act(() => finished(`/api/optimizations/${id}`, (running) => outcome.replaceChildren(
      el('p', { class: 'muted', id: 'sweep-progress' }, `${running.status}… ${running.runsDone} of ${running.runs} backtests`)),
    { every: 700, stillWanted: () => here }));
    if (view) outcome.replaceChildren(...results(view, backtestWith));
  }
  return box;
}

/** One parameter's row: ticked to sweep it, with a range that fits its type. */
function rangeRow(p) {
  const swept = el('input', { type: 'checkbox', name: `sweep-${p.name}`, checked: p.type === 'integer' || p.type === 'number' });
  const numeric = !p.choices && (p.type === 'integer' || p.type === 'number');
  const from = el('input', { name: `min-${p.name}`, type: 'number', value: p.minimum ?? p.default, step: 'any', size: 6, disabled: !numeric });
  const to = el('input', { name: `max-${p.name}`, type: 'number', value: p.maximum ?? p.default, step: 'any', size: 6, disabled: !numeric });
  const span = (p.maximum ?? p.default) - (p.minimum ?? p.default);
  const defaultStep = p.type === 'integer' ? Math.max(1, Math.round(span / 5)) : span / 5 || 1;
  const choices = p.choices ?? (p.type === 'boolean' ? [true, false] : null);
  const step = el('input', { name: `step-${p.name}`, size: 14, value: numeric ? String(defaultStep) : JSON.stringify(choices ?? [p.default]).slice(1, -1) });
  if (!numeric && !choices) swept.checked = false;
  return {
    name: p.name,
    row: el('tr', { 'data-parameter': p.name }, el('td', {}, p.name, el('span', { class: 'muted' }, ` ${p.type}`)), el('td', {}, swept), el('td', {}, from), el('td', {}, to), el('td', {}, step)),
    swept: () => swept.checked,
    // Numbers: min/max/step as typed (the server checks them against the declaration); others: the listed values.
    range: () => (numeric ? { min: Number(from.value), max: Number(to.value), step: Number(step.value) }
      : { values: JSON.parse(`[${step.value}]`) }),
  };
}

function results(view, backtestWith) {
  if (view.status === 'failed') return [el('p', { class: 'bad' }, `The sweep failed: ${view.error ?? 'every run failed'}`)];
  const head = el('p', { class: 'muted' }, `${view.runs} backtests ranked by ${view.objective.replaceAll('_', ' ')} on ${view.config.dataset}`,
    view.failedRuns ? `; ${view.failedRuns} faulted (ranked last)` : '', '.');
  if (view.windows?.length) {
    return [head, el('table', { id: 'sweep-windows' }, el('thead', {}, el('tr', {}, ['Window', 'In-sample best', 'In-sample score', 'Out-of-sample return', 'Out-of-sample score']
      .map((n) => el('th', {}, n)))), el('tbody', {}, view.windows.map((w, i) => el('tr', {}, el('td', {}, `${i + 1}: ${w.outOfSample.from.slice(0, 10)} → ${w.outOfSample.to.slice(0, 10)}`),
      el('td', {}, w.best ? describe(w.best.parameters) : '—'), el('td', { class: 'num' }, score(w.best?.score)),
      el('td', { class: 'num' }, percent(w.outOfSampleMetrics?.totalReturn)), el('td', { class: 'num' }, score(w.outOfSampleScore))))))];
  }
  return [head, el('table', { id: 'sweep-trials' }, el('thead', {}, el('tr', {}, ['Rank', 'Parameters', 'Score', 'Return', 'Max drawdown', 'Sharpe', 'Trades', '']
    .map((n) => el('th', {}, n)))), el('tbody', {}, view.trials.map((t) => el('tr', { 'data-rank': t.rank },
    el('td', { class: 'num' }, String(t.rank)), el('td', {}, describe(t.parameters)), el('td', { class: 'num' }, score(t.score)),
    el('td', { class: 'num' }, percent(t.metrics?.totalReturn)), el('td', { class: 'num' }, percent(t.metrics?.maxDrawdown)),
    el('td', { class: 'num' }, t.metrics?.sharpe?.toFixed(2) ?? '—'), el('td', { class: 'num' }, t.metrics ? String(t.metrics.tradeCount) : t.error ?? '—'),
    el('td', {}, t.metrics ? el('button', { class: 'secondary', onclick: () => backtestWith(t.parameters) }, 'Backtest') : '')))))];
}

const describe = (parameters) => Object.entries(parameters).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
const score = (value) => (typeof value === 'number' ? value.toFixed(3) : '—');
