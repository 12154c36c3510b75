// Admin: platform figures, the global emergency stop, the moderation queue
// (validation results and source), reports (hide the review or suspend the
// listing they name, or dismiss them), users (suspend, ban, unban, role,
// credit), all deployments with their owners (force-stop), and the audit log.
import { get, post, put, del } from '../api.js';
import { el, money, percent } from '../format.js';
import { act } from '../app.js';

export async function admin(app, me) {
  const stats = el('div', { class: 'stats', id: 'stats' });
  const stop = el('div', { class: 'switch', id: 'global-stop' });
  const queue = el('tbody'), users = el('tbody'), deployments = el('tbody'), audit = el('tbody'), reports = el('tbody');
  const search = el('input', { name: 'q', placeholder: 'find a user' });
  const find = el('form', { class: 'row', id: 'user-search' }, search, el('button', { type: 'submit' }, 'Find'));
  const head = (names) => el('thead', {}, el('tr', {}, names.map((n) => el('th', {}, n))));
  app.append(el('h1', {}, 'Admin'), stats, stop,
    el('h2', {}, 'Moderation queue'), el('table', { id: 'queue' }, head(['Listing', 'Author', 'Validation', 'Fees and period', '']), queue),
    el('h2', {}, 'Reports'), el('table', { id: 'reports' }, head(['Target', 'Reason', '']), reports),
    el('h2', {}, 'Users'), find, el('table', { id: 'users' }, head(['User', 'Role', 'Status', '']), users),
    el('h2', {}, 'All deployments'), el('table', { id: 'all-deployments' }, head(['Deployment', 'Owner', 'Strategy', 'Status', '']), deployments),
    el('h2', {}, 'Audit log'), el('table', { id: 'audit' }, head(['Time', 'Actor', 'Action', 'Target', 'Reason']), audit));

  const reason = (what) => window.prompt(`Reason to ${what}:`, `${what} by an admin`);

  async function refresh() {
    const [figures, risk, pending, open, people, all, log] = await Promise.all([
      get('/api/admin/stats'), get('/api/risk/status'), get('/api/admin/moderation/queue'), get('/api/admin/reports'),
      get(`/api/admin/users?limit=50${search.value.trim() ? `&q=${encodeURIComponent(search.value.trim())}` : ''}`),
      get('/api/admin/deployments?limit=100'), get('/api/admin/audit?limit=30')]);
    const stat = (label, value) => el('div', {}, el('span', { class: 'muted' }, label), el('strong', {}, String(value)));
    stats.replaceChildren(stat('Users', figures.users.total), stat('Banned', figures.users.banned), stat('Sales', figures.sales.completed),
      ...figures.revenue.map((r) => stat(`Revenue ${r.currency}`, money(r.gross))), stat('Running', figures.deployments.running),
      stat('Faulted', figures.deployments.faulted), stat('Pending listings', figures.pendingListings), stat('Open reports', figures.openReports));
    const on = risk.globalEmergencyStop;
    stop.className = on ? 'switch on' : 'switch';
    stop.replaceChildren(el('strong', {}, 'Global emergency stop'), el('span', { class: on ? 'bad' : 'muted', id: 'global-state' }, on ? 'engaged for every deployment' : 'off'),
      el('span', { class: 'spacer' }), el('button', { class: on ? 'secondary' : 'danger', id: 'global-toggle', onclick: async () => {
        await act(() => on ? del('/api/risk/emergency-stop?scope=global') : post('/api/risk/emergency-stop', { scope: 'global', reason: 'global stop from the console' }));
        refresh();
      } }, on ? 'Release' : 'Engage'));
    // The queue lists listings; their pages carry the validation run's figures and conditions.
    const pages = await Promise.all(pending.map((l) => get(`/api/marketplace/listings/${l.id}`).catch(() => l)));
    queue.replaceChildren(...pages.map((l) => {
      const v = l.validation, c = v?.conditions;
      return el('tr', { 'data-listing': l.id },
        el('td', {}, el('a', { href: `#/marketplace/${l.id}` }, l.title), ' ', el('a', { href: `/api/marketplace/listings/${l.id}/source`, target: '_blank' }, 'source')),
        el('td', {}, `#${l.authorId}`),
        el('td', {}, v ? `${percent(v.totalReturn)} · dd ${percent(v.maxDrawdown)} · ${v.tradeCount} trades` : '—'),
        el('td', {}, c ? `${c.commissionBasisPoints}+${c.slippageBasisPoints} bp, ${c.from.slice(0, 10)} → ${c.to.slice(0, 10)}` : '—'),
        el('td', {}, el('div', { class: 'row' },
          el('button', { class: 'approve', onclick: async () => { await act(() => post(`/api/admin/listings/${l.id}/approve`), 'approved'); refresh(); } }, 'Approve'),
          el('button', { class: 'secondary', onclick: async () => {
            const why = reason('reject'); if (why) { await act(() => post(`/api/admin/listings/${l.id}/reject`, { reason: why }), 'rejected'); refresh(); }
          } }, 'Reject'))));
    }));
    if (!pending.length) queue.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'Nothing waits for review.')));
    const resolve = (r, resolution) => act(() => post(`/api/admin/reports/${r.id}/resolve`, { resolution }), 'resolved');
    reports.replaceChildren(...open.map((r) => el('tr', { 'data-report': r.id },
      el('td', {}, r.targetKind === 'listing' ? el('a', { href: `#/marketplace/${r.targetId}` }, `listing #${r.targetId}`) : `${r.targetKind} #${r.targetId}`),
      el('td', {}, r.reason), el('td', {}, el('div', { class: 'row' },
        // Acting on what the report names resolves it too.
        r.targetKind === 'review' ? el('button', { class: 'danger hide-review', onclick: async () => {
          const why = reason('hide the review'); if (why && await act(() => post(`/api/admin/reviews/${r.targetId}/hide`, { reason: why }), 'review hidden')) { await resolve(r, `review hidden: ${why}`); refresh(); }
        } }, 'Hide review') : '',
        r.targetKind === 'listing' ? el('button', { class: 'danger', onclick: async () => {
          const why = reason('suspend the listing'); if (why && await act(() => post(`/api/admin/listings/${r.targetId}/suspend`, { reason: why }), 'listing suspended')) { await resolve(r, `listing suspended: ${why}`); refresh(); }
        } }, 'Suspend listing') : '',
        el('button', { class: 'secondary dismiss', onclick: async () => { await resolve(r, 'dismissed'); refresh(); } }, 'Dismiss'))))));
    if (!open.length) reports.append(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'No open reports.')));
    users.replaceChildren(...people.map((u) => el('tr', { 'data-user': u.username },
      el('td', {}, `${u.username} (#${u.id})`), el('td', {}, u.role), el('td', {}, u.status + (u.suspendedUntil ? ` until ${u.suspendedUntil.replace('T', ' ').replace('Z', '')}` : '') + (u.statusReason ? ` — ${u.statusReason}` : '')),
      el('td', {}, el('div', { class: 'row' },
        u.status === 'active'
          ? el('button', { class: 'danger ban', onclick: async () => { const why = reason('ban'); if (why) { await act(() => post(`/api/admin/users/${u.id}/ban`, { reason: why }), `${u.username} banned`); refresh(); } } }, 'Ban')
          : el('button', { class: 'secondary', onclick: async () => { await act(() => post(`/api/admin/users/${u.id}/unban`, { reason: 'lifted in the console' }), `${u.username} restored`); refresh(); } }, u.status === 'banned' ? 'Unban' : 'Lift suspension'),
        u.status === 'active' ? el('button', { class: 'secondary suspend', onclick: async () => {
          const days = window.prompt(`Suspend ${u.username} for how many days?`, '7');
          const why = days && reason('suspend');
          if (why) {
            const until = new Date(Date.now() + Number(days) * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
            await act(() => post(`/api/admin/users/${u.id}/suspend`, { reason: why, until }), `${u.username} suspended until ${until}`); refresh();
          }
        } }, 'Suspend') : '',
        me.role === 'superadmin' && u.id !== me.id ? el('select', { class: 'role', 'aria-label': `role of ${u.username}`, onchange: async (event) => {
          await act(() => put(`/api/admin/users/${u.id}/role`, { role: event.target.value }), `${u.username} is now ${event.target.value}`); refresh();
        } }, ['user', 'admin', 'superadmin'].map((r) => el('option', { value: r, selected: r === u.role }, r))) : '',
        el('button', { class: 'secondary credit', onclick: async () => {
          const amount = window.prompt(`Credit ${u.username}'s wallet (USD, test servers):`, '50.00');
          if (amount) { await act(() => post(`/api/admin/users/${u.id}/wallet/credit`, { amount, reason: 'test credit from the console' }), 'credited'); }
        } }, 'Credit'))))));
    deployments.replaceChildren(...all.map((d) => el('tr', { 'data-deployment': d.id }, el('td', {}, `#${d.id}`), el('td', {}, d.ownerName), el('td', {}, d.strategyName),
      el('td', {}, el('span', { class: `status ${d.status}` }, d.status), d.statusReason ? el('span', { class: 'muted' }, ` ${d.statusReason}`) : ''),
      el('td', {}, d.status === 'running' || d.status === 'halted' ? el('button', { class: 'danger', onclick: async () => {
        const why = reason('force-stop'); if (why) { await act(() => post(`/api/admin/deployments/${d.id}/force-stop`, { reason: why }), 'stopped'); refresh(); }
      } }, 'Force stop') : ''))));
    audit.replaceChildren(...log.entries.map((e) => el('tr', {}, el('td', {}, e.createdAt.replace('T', ' ').replace('Z', '')), el('td', {}, e.actorName),
      el('td', {}, e.action), el('td', {}, `${e.targetKind} ${e.targetId}`), el('td', {}, e.reason))));
  }
  find.addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
  await act(refresh);
}
