// One deployment: candles of its symbol with fill markers, equity and
// drawdown updating live, positions, working orders (modify in place, cancel),
// fills, the log; its parameters and whole journal, paged (deployment-history.js).
import { get, post, put, del } from '../api.js';
import { el, money, signed, decimal, epoch } from '../format.js';
import { subscribe } from '../live.js';
import { act, onLeave, flash } from '../app.js';
import { historySection } from './deployment-history.js';

const chartOptions = {
  layout: { background: { color: '#161c23' }, textColor: '#d9e1e8' },
  grid: { vertLines: { color: '#222b35' }, horzLines: { color: '#222b35' } },
  timeScale: { timeVisible: true, secondsVisible: false },
  autoSize: true,
};

export async function deployment(app, id) {
  const view = await act(() => get(`/api/deployments/${id}`));
  if (!view) return;
  const symbol = (view.symbols && view.symbols[0]) || (view.account?.positions?.[0]?.symbol) || 'BTCUSD';
  const header = el('div', { class: 'row' });
  const priceBox = el('div', { class: 'chart', id: 'price-chart' });
  const equityBox = el('div', { class: 'chart small', id: 'equity-chart' });
  const positions = el('tbody'), orders = el('tbody'), fills = el('tbody');
  const log = el('pre', { class: 'log', id: 'log' });
  const denials = el('tbody');
  const ticket = orderTicket(id, symbol);
  app.append(header,
    el('h2', {}, `${symbol} · fills marked`), priceBox,
    el('h2', {}, 'Equity and drawdown'), equityBox,
    el('div', { class: 'grid2' },
      el('div', {}, el('h2', {}, 'Positions'), table(['Symbol', 'Side', 'Quantity', 'Average', 'Mark', 'Unrealized'], positions, 'positions')),
      el('div', {}, el('h2', {}, 'Working orders'), table(['Id', 'Side', 'Type', 'Quantity', 'Price', ''], orders, 'orders'))),
    el('h2', {}, 'Manual order (same risk gate)'), ticket,
    el('h2', {}, 'Fills'), table(['Time', 'Side', 'Quantity', 'Price', 'Fee', 'Order'], fills, 'fills'),
    el('div', { class: 'grid2' },
      el('div', {}, el('h2', {}, 'Risk denials'), table(['Order', 'Code', 'Why'], denials, 'denials')),
      el('div', {}, el('h2', {}, 'Effective risk limits'), limitsTable(view.effectiveRisk))),
    el('h2', {}, 'Log'), log, historySection(id, view));

  function renderHeader(current) {
    const account = current.account || {};
    const realized = account.realizedPnL ? signed(account.realizedPnL) : null;
    const unrealized = account.unrealizedPnL ? signed(account.unrealizedPnL) : null;
    header.replaceChildren(
      el('h1', {}, `#${current.id} ${current.strategyName}`),
      el('span', { class: `status ${current.status}`, id: 'status' }, current.status),
      current.statusReason ? el('span', { class: 'muted' }, current.statusReason) : '',
      el('span', { class: 'spacer' }),
      el('span', {}, 'Equity ', el('strong', { id: 'equity' }, account.equity ? money(account.equity, account.currency) : '—')),
      realized ? el('span', {}, 'Realized ', el('span', { class: realized.cls }, realized.text)) : '',
      unrealized ? el('span', {}, 'Unrealized ', el('span', { class: unrealized.cls, id: 'unrealized' }, unrealized.text)) : '',
      el('button', { class: 'danger', onclick: () => command('square-off') }, 'Square off'),
      current.status === 'stopped' || current.status === 'faulted'
        ? el('button', { onclick: () => command('start') }, 'Start') : el('button', { class: 'secondary', onclick: () => command('stop') }, 'Stop'));
  }

  async function command(name) {
    await act(() => post(`/api/deployments/${id}/${name}`), `${name} done`);
    const fresh = await act(() => get(`/api/deployments/${id}`));
    if (fresh) renderHeader(fresh);
  }

  // Candles and fill markers.
  const price = LightweightCharts.createChart(priceBox, chartOptions);
  const candles = price.addCandlestickSeries();
  const markers = [];
  const candle = (c) => ({ time: epoch(c.time), open: +c.open, high: +c.high, low: +c.low, close: +c.close });
  const marker = (f) => ({ time: epoch(f.time), position: f.side === 'buy' ? 'belowBar' : 'aboveBar', color: f.side === 'buy' ? '#26a69a' : '#ef5350',
                           shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown', text: `${f.side} ${decimal(f.quantity, 4)}` });
  // Equity (line) and drawdown from its running peak (area, in %).
  const equity = LightweightCharts.createChart(equityBox, chartOptions);
  const equityLine = equity.addLineSeries({ color: '#3d8bfd', lineWidth: 2 });
  const drawdown = equity.addAreaSeries({ priceScaleId: 'drawdown', lineColor: '#ef5350', topColor: 'rgba(239,83,80,0.05)', bottomColor: 'rgba(239,83,80,0.4)' });
  equity.priceScale('drawdown').applyOptions({ scaleMargins: { top: 0.7, bottom: 0 } });
  let peak = -Infinity, lastEquityTime = 0, lastCandleTime = 0;
  function addEquity(point) {
    const time = epoch(point.time);
    if (time < lastEquityTime) return;
    lastEquityTime = time;
    const value = +point.equity;
    peak = Math.max(peak, value);
    equityLine.update({ time, value });
    drawdown.update({ time, value: peak > 0 ? -((peak - value) / peak) * 100 : 0 });
  }
  onLeave(() => { price.remove(); equity.remove(); });

  const loaded = await act(() => Promise.all([
    get(`/api/market/${symbol}/candles?limit=200`), get(`/api/deployments/${id}/fills?limit=500`),
    get(`/api/deployments/${id}/equity?points=1000`), get(`/api/deployments/${id}/orders?limit=200`), get(`/api/deployments/${id}/logs?limit=100`)]));
  if (!loaded) return;
  const [history, fillPage, curve, orderPage, logPage] = loaded;
  const bars = history.candles.map(candle);
  candles.setData(bars);
  lastCandleTime = bars.length ? bars[bars.length - 1].time : 0;
  const first = bars.length ? bars[0].time : 0;
  for (const f of fillPage.fills.slice().reverse()) if (f.symbol === symbol && epoch(f.time) >= first) markers.push(marker(f));
  candles.setMarkers(markers);
  for (const point of curve.points) addEquity(point);
  price.timeScale().fitContent();
  equity.timeScale().fitContent();
  // The order being modified keeps its form when live updates redraw the table.
  let editing = null;
  renderHeader(view);
  renderPositions(view.account?.positions || []);
  renderOrders(orderPage.orders);
  renderDenials(orderPage.orders);
  fills.replaceChildren(...fillPage.fills.slice(0, 50).map(fillRow));
  log.textContent = logPage.logs.slice().reverse().map((entry) => `${entry.level} ${entry.message}`).join('\n');

  function renderPositions(list) {
    positions.replaceChildren(...list.map((p) => el('tr', {},
      el('td', {}, p.symbol), el('td', {}, p.side), el('td', { class: 'num' }, decimal(p.quantity, 6)),
      el('td', { class: 'num' }, p.averagePrice ? decimal(p.averagePrice) : '—'), el('td', { class: 'num' }, p.markPrice ? decimal(p.markPrice) : '—'),
      el('td', { class: `num ${signed(p.unrealizedPnL).cls}` }, signed(p.unrealizedPnL).text))));
    if (!list.length) positions.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'Flat.')));
  }
  function renderOrders(list) {
    const working = list.filter((o) => o.status === 'accepted' || o.status === 'partially_filled');
    orders.replaceChildren(...working.map((o) => el('tr', {},
      el('td', {}, String(o.id)), el('td', {}, o.side), el('td', {}, o.type), el('td', { class: 'num' }, decimal(o.quantity, 6)),
      el('td', { class: 'num' }, o.price ? decimal(o.price) : o.trigger ? `stop ${decimal(o.trigger)}` : 'market'),
      el('td', {}, editing?.id === o.id ? editing.form : el('div', { class: 'row' }, el('button', { class: 'secondary modify', onclick: (event) => modifyForm(o, event.target.closest('td')) }, 'Modify'),
        el('button', { class: 'secondary', onclick: async () => {
          await act(() => del(`/api/deployments/${id}/orders/${o.id}`), `order ${o.id} canceled`);
          renderOrders((await get(`/api/deployments/${id}/orders?limit=200`)).orders);
        } }, 'Cancel'))))));
    if (!working.length) orders.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'None working.')));
  }
  // A working order changed in place (quantity, limit price, trigger), through the same risk gate as a new one.
  function modifyForm(order, cell) {
    const quantity = el('input', { name: 'quantity', value: order.quantity, size: 8 });
    const price = order.price ? el('input', { name: 'price', value: order.price, size: 9 }) : null;
    const trigger = order.trigger ? el('input', { name: 'trigger', value: order.trigger, size: 9 }) : null;
    const form = el('form', { class: 'row modify-form' }, quantity, price ? ['@', price] : '', trigger ? ['stop', trigger] : '',
      el('button', { type: 'submit' }, 'Save'), el('button', { type: 'button', class: 'secondary', onclick: reload }, 'Back'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      if (quantity.value.trim() !== order.quantity) body.quantity = quantity.value.trim();
      if (price && price.value.trim() !== order.price) body.price = price.value.trim();
      if (trigger && trigger.value.trim() !== order.trigger) body.trigger = trigger.value.trim();
      if (await act(() => put(`/api/deployments/${id}/orders/${order.id}`, body), `order ${order.id} modified`)) reload();
    });
    editing = { id: order.id, form };
    cell.replaceChildren(form);
    quantity.focus();
    async function reload() {
      editing = null;
      const page = (await get(`/api/deployments/${id}/orders?limit=200`)).orders;
      renderOrders(page);
      renderDenials(page);
    }
  }
  function renderDenials(list) {
    const refused = list.filter((o) => o.status === 'rejected' && o.reason);
    denials.replaceChildren(...refused.slice(0, 30).map((o) => el('tr', {}, el('td', {}, `${o.id} ${o.side} ${o.symbol}`),
      el('td', { class: 'warn' }, o.reason.code), el('td', { class: 'wrap' }, o.reason.message))));
    if (!refused.length) denials.append(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'None.')));
  }
  function fillRow(f) {
    return el('tr', {}, el('td', {}, f.time.replace('T', ' ').replace('Z', '')), el('td', { class: f.side === 'buy' ? 'good' : 'bad' }, f.side),
      el('td', { class: 'num' }, decimal(f.quantity, 6)), el('td', { class: 'num' }, decimal(f.price)), el('td', { class: 'num' }, decimal(f.fee, 4)),
      el('td', {}, String(f.orderId)));
  }

  // Live.
  subscribe({ channel: 'candles', symbol }, `candles:${symbol}`, (event) => {
    const bar = candle(event.data);
    if (bar.time >= lastCandleTime) { candles.update(bar); lastCandleTime = bar.time; }
  });
  subscribe({ channel: 'fills', deploymentId: id }, `fills:${id}`, (event) => {
    const f = event.data;
    fills.prepend(fillRow(f));
    while (fills.children.length > 50) fills.lastChild.remove();
    if (f.symbol === symbol) { markers.push(marker(f)); if (markers.length > 2000) markers.shift(); candles.setMarkers(markers); }
  });
  subscribe({ channel: 'equity', deploymentId: id }, `equity:${id}`, (event) => {
    addEquity(event.data);
    document.getElementById('equity').textContent = money(event.data.equity, 'USD');
  });
  subscribe({ channel: 'positions', deploymentId: id }, `positions:${id}`, (event) => renderPositions(event.data));
  subscribe({ channel: 'orders', deploymentId: id }, `orders:${id}`, async () => {
    clearTimeout(ordersTimer);
    ordersTimer = setTimeout(async () => {
      const list = (await get(`/api/deployments/${id}/orders?limit=200`)).orders;
      renderOrders(list);
      renderDenials(list);
    }, 300);
  });
  let ordersTimer = 0;
  subscribe({ channel: 'logs', deploymentId: id }, `logs:${id}`, (event) => {
    const lines = (log.textContent ? log.textContent.split('\n') : []).concat(`${event.data.level} ${event.data.message}`);
    log.textContent = lines.slice(-200).join('\n');
    log.scrollTop = log.scrollHeight;
  });
  subscribe({ channel: 'deployment', deploymentId: id }, `deployment:${id}`, async () => {
    const fresh = await get(`/api/deployments/${id}`);
    renderHeader(fresh);
  });
  onLeave(() => clearTimeout(ordersTimer));
}

function table(names, body, id) {
  return el('table', { id }, el('thead', {}, el('tr', {}, names.map((name) => el('th', {}, name)))), body);
}

/** The effective limits, as the risk gate applies them (the deployment's and its owner's, tightest first). */
function limitsTable(limits) {
  const rows = Object.entries(limits || {}).map(([name, value]) => el('tr', {}, el('td', {}, name),
    el('td', { class: 'wrap' }, typeof value === 'object' ? JSON.stringify(value) : String(value))));
  return el('table', { id: 'limits' }, el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { class: 'muted' }, 'No limits.'))));
}

/** A manual order through the deployment's risk gate: market, limit, stop or stop-limit, with optional brackets. */
function orderTicket(id, symbol) {
  const side = el('select', { name: 'side' }, el('option', { value: 'buy' }, 'buy'), el('option', { value: 'sell' }, 'sell'));
  const type = el('select', { name: 'type' }, ['market', 'limit', 'stop', 'stop_limit'].map((t) => el('option', { value: t }, t.replace('_', ' '))));
  const quantity = el('input', { name: 'quantity', placeholder: 'quantity', size: 10, required: true });
  const price = el('input', { name: 'price', placeholder: 'limit price', size: 10 });
  const trigger = el('input', { name: 'trigger', placeholder: 'stop trigger', size: 10 });
  const takeProfit = el('input', { name: 'takeProfit', placeholder: 'take profit', size: 10 });
  const stopLoss = el('input', { name: 'stopLoss', placeholder: 'stop loss', size: 10 });
  const reduceOnly = el('input', { type: 'checkbox', name: 'reduceOnly' });
  const form = el('form', { class: 'row', id: 'ticket' }, el('strong', {}, symbol), side, type, quantity, price, trigger, takeProfit, stopLoss,
    el('label', { class: 'row' }, reduceOnly, 'reduce only'), el('button', { type: 'submit' }, 'Send'));
  const show = () => {
    price.hidden = !(type.value === 'limit' || type.value === 'stop_limit');
    trigger.hidden = !(type.value === 'stop' || type.value === 'stop_limit');
  };
  type.addEventListener('change', show);
  show();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { symbol, side: side.value, type: type.value, quantity: quantity.value.trim() };
    if (!price.hidden && price.value.trim()) body.price = price.value.trim();
    if (!trigger.hidden && trigger.value.trim()) body.trigger = trigger.value.trim();
    if (takeProfit.value.trim()) body.takeProfit = takeProfit.value.trim();
    if (stopLoss.value.trim()) body.stopLoss = stopLoss.value.trim();
    if (reduceOnly.checked) body.reduceOnly = true;
    const sent = await act(() => post(`/api/deployments/${id}/orders`, body));
    if (sent) flash(`order ${sent.orders.map((o) => `${o.id} ${o.status}`).join(', ')}`, true);
  });
  return form;
}
