// Alerts: active and recent ones (live), acknowledgement, and the rules.
import { get, post, del } from '../api.js';
import { el, decimal } from '../format.js';
import { subscribe } from '../live.js';
import { act } from '../app.js';

const KINDS = {
  equity_below: 'Equity below (money)', drawdown_above: 'Drawdown above (fraction, 0.10 = 10 %)',
  daily_loss_above: 'Daily loss above (money)', faulted: 'Deployment faulted', halted: 'Deployment halted',
  risk_denial: 'Risk denial', fill: 'Fill', kill_switch: 'Kill switch engaged',
};

export async function alerts(app) {
  const list = el('tbody');
  const rules = el('tbody');
  const kind = el('select', { name: 'kind' }, Object.entries(KINDS).map(([value, label]) => el('option', { value }, label)));
  const threshold = el('input', { name: 'threshold', placeholder: 'threshold, e.g. 95000.00' });
  const deployment = el('input', { name: 'deploymentId', placeholder: 'deployment id (empty: all)', size: 22 });
  const form = el('form', { class: 'row', id: 'rule-form' }, kind, threshold, deployment, el('button', { type: 'submit' }, 'Add rule'));
  app.append(el('h1', {}, 'Alerts'),
    el('table', { id: 'alerts' }, el('thead', {}, el('tr', {}, ['Time', 'Severity', 'Kind', 'State', 'Message', ''].map((n) => el('th', {}, n)))), list),
    el('h2', {}, 'Rules'), form,
    el('table', { id: 'rules' }, el('thead', {}, el('tr', {}, ['Kind', 'Deployment', 'Threshold', ''].map((n) => el('th', {}, n)))), rules),
    el('p', { class: 'muted' }, 'The system also alerts when a deployment has used 80 % of a limit it has (daily loss, gross exposure, position). Webhooks: docs/api.md.'));

  function row(alert) {
    const cls = alert.severity === 'critical' ? 'bad' : alert.severity === 'warning' ? 'warn' : 'muted';
    return el('tr', { 'data-alert': alert.id },
      el('td', {}, alert.createdAt.replace('T', ' ').replace('Z', '')), el('td', { class: cls }, alert.severity), el('td', {}, alert.kind),
      el('td', {}, alert.state + (alert.acknowledgedAt ? ' · acknowledged' : '')), el('td', {}, alert.message),
      el('td', {}, alert.acknowledgedAt ? '' : el('button', { class: 'secondary', onclick: async () => {
        if (await act(() => post(`/api/risk/alerts/${alert.id}/acknowledge`), 'acknowledged')) await refresh();
      } }, 'Acknowledge')));
  }

  async function refresh() {
    const [page, ruleList] = await Promise.all([get('/api/risk/alerts?limit=100'), get('/api/risk/alert-rules')]);
    list.replaceChildren(...page.alerts.map(row));
    if (!page.alerts.length) list.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No alerts.')));
    rules.replaceChildren(...ruleList.map((rule) => el('tr', {},
      el('td', {}, KINDS[rule.kind] || rule.kind), el('td', {}, rule.deploymentId ? `#${rule.deploymentId}` : 'all'),
      el('td', {}, rule.threshold ? decimal(rule.threshold, rule.unit === 'fraction' ? 4 : 2) : '—'),
      el('td', {}, el('button', { class: 'secondary', onclick: async () => { await act(() => del(`/api/risk/alert-rules/${rule.id}`)); await refresh(); } }, 'Delete')))));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { kind: kind.value };
    if (threshold.value.trim()) body.threshold = threshold.value.trim();
    if (deployment.value.trim()) body.deploymentId = Number(deployment.value.trim());
    if (await act(() => post('/api/risk/alert-rules', body), 'rule added')) { threshold.value = ''; await refresh(); }
  });
  const me = await get('/api/auth/me');
  subscribe({ channel: 'alerts' }, `alerts:${me.id}`, () => refresh().catch(() => {}));
  await act(refresh);
}
