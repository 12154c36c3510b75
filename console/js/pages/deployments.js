// Home: every deployment of the user with its live figures, its commands,
// and the owner's emergency stop as one switch.
import { get, post, del } from '../api.js';
import { el, money, signed, age } from '../format.js';
import { subscribe } from '../live.js';
import { act, onLeave } from '../app.js';

export async function deployments(app, user) {
  const body = el('tbody');
  const stopSwitch = el('div', { class: 'switch', id: 'emergency' });
  const table = el('table', { id: 'deployments' },
    el('thead', {}, el('tr', {}, ['Deployment', 'Strategy', 'Symbols', 'Status', 'Equity', 'Day P&L', 'Positions', 'Last event', '']
      .map((name, index) => el('th', { class: index >= 4 && index <= 6 ? 'num' : undefined }, name)))),
    body);
  app.append(el('div', { class: 'row' }, el('h1', {}, 'Deployments'), el('span', { class: 'spacer' })), stopSwitch,
             el('h2', {}, 'Running and stopped'), table,
             el('p', { class: 'muted' }, 'Deploy from a template or a strategy version over the API (docs/api.md); figures update live.'));
  const lastEvent = new Map();
  const subscribed = new Set();

  async function refresh() {
    const [list, portfolio, risk] = await Promise.all([get('/api/deployments'), get('/api/portfolio'), get('/api/risk/status')]);
    const figures = new Map((portfolio.deployments || []).map((row) => [row.deploymentId, row.figures]));
    renderSwitch(risk);
    body.replaceChildren(...list.map((deployment) => row(deployment, figures.get(deployment.id))));
    if (list.length === 0) body.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No deployments yet.')));
    for (const deployment of list) {
      if (deployment.status !== 'running' || subscribed.has(deployment.id)) continue;
      subscribed.add(deployment.id);
      subscribe({ channel: 'equity', deploymentId: deployment.id }, `equity:${deployment.id}`, () => {
        lastEvent.set(deployment.id, Date.now());
        const cell = document.querySelector(`[data-age="${deployment.id}"]`);
        if (cell) cell.textContent = 'just now';
      });
    }
  }

  function row(deployment, figures) {
    const account = deployment.account || {};
    const day = figures ? signed(figures.dayPnL) : { text: '—', cls: '' };
    const state = deployment.killSwitch ? 'reduce_only' : deployment.status;
    const label = deployment.killSwitch ? `${deployment.status} · ${deployment.killSwitch.level}` : deployment.status;
    const running = deployment.status === 'running' || deployment.status === 'halted';
    const seen = lastEvent.get(deployment.id);
    return el('tr', { 'data-id': deployment.id },
      el('td', {}, el('a', { href: `#/deployments/${deployment.id}` }, `#${deployment.id}`)),
      el('td', {}, deployment.strategyName, deployment.versionId ? el('span', { class: 'muted' }, ` v${deployment.versionId}`) : ''),
      el('td', {}, (deployment.symbols || ['(feed)']).join(', ')),
      el('td', { title: deployment.statusReason || '' }, el('span', { class: `status ${state}` }, label),
        deployment.statusReason ? el('span', { class: 'muted' }, ` ${deployment.statusReason}`) : ''),
      el('td', { class: 'num' }, account.equity ? money(account.equity) : '—'),
      el('td', { class: `num ${day.cls}` }, day.text),
      el('td', { class: 'num' }, String((account.positions || []).length)),
      el('td', { 'data-age': deployment.id }, seen ? age(new Date(seen).toISOString()) : running ? 'waiting' : age(deployment.updatedAt)),
      el('td', {}, el('div', { class: 'row' },
        running ? el('button', { class: 'secondary', onclick: () => command(deployment.id, 'stop') }, 'Stop')
                : el('button', { class: 'secondary', onclick: () => command(deployment.id, 'start') }, 'Start'),
        running ? el('button', { class: 'danger', onclick: () => command(deployment.id, 'square-off') }, 'Square off') : '')));
  }

  function renderSwitch(risk) {
    const on = risk.ownEmergencyStop;
    stopSwitch.className = on ? 'switch on' : 'switch';
    stopSwitch.replaceChildren(
      el('strong', {}, 'Emergency stop'),
      el('span', { class: on ? 'bad' : 'muted', id: 'emergency-state' },
        on ? 'engaged: only orders that reduce a position pass' : 'off'),
      el('span', { class: 'spacer' }),
      risk.globalEmergencyStop ? el('span', { class: 'bad' }, 'The global stop is engaged by an admin.') : '',
      el('button', { class: on ? 'secondary' : 'danger', id: 'emergency-toggle', onclick: () => toggle(on) }, on ? 'Release' : 'Engage'));
  }

  async function toggle(on) {
    await act(() => on ? del('/api/risk/emergency-stop') : post('/api/risk/emergency-stop', { reason: 'emergency stop from the console' }),
              on ? 'Emergency stop released' : 'Emergency stop engaged');
    await refresh();
  }

  async function command(id, name) {
    await act(() => post(`/api/deployments/${id}/${name}`), `Deployment ${id}: ${name} done`);
    await refresh();
  }

  // A status change (a fault, a halt) shows at once.
  subscribe({ channel: 'deployments' }, `deployments:${user.id}`, () => refresh().catch(() => {}));
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  onLeave(() => clearInterval(timer));
  await act(refresh);
}
