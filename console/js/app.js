// The console's shell: who is signed in, the hash router, the flash line.
import { get, post } from './api.js';
import { unsubscribeAll, close } from './live.js';
import { login } from './pages/login.js';
import { deployments } from './pages/deployments.js';
import { deployment } from './pages/deployment.js';
import { alerts } from './pages/alerts.js';
import { wallet } from './pages/wallet.js';
import { strategies } from './pages/strategies.js';
import { marketplace } from './pages/marketplace.js';
import { admin } from './pages/admin.js';
import { account } from './pages/account.js';

const app = document.getElementById('app');
const state = { user: null, cleanup: [] };

export function flash(message, ok = false) {
  const box = document.getElementById('flash');
  box.textContent = message;
  box.className = ok ? 'flash ok' : 'flash';
  box.hidden = !message;
  if (message) setTimeout(() => { if (box.textContent === message) box.hidden = true; }, ok ? 3000 : 8000);
}

/** Runs an action, showing its error (or `done`) in the flash line. */
export async function act(action, done) {
  try {
    const result = await action();
    if (done) flash(done, true);
    return result;
  } catch (error) {
    // The message usually names the field already; add the details it does not say.
    const extra = (error.details || []).filter((d) => d.issue && !error.message.includes(d.issue))
      .map((d) => (d.field ? `${d.field}: ${d.issue}` : d.issue)).join('; ');
    flash(extra ? `${error.message} (${extra})` : error.message);
    return undefined;
  }
}

/** Registers something to undo when the page changes (timers, charts). */
export function onLeave(undo) { state.cleanup.push(undo); }

export async function signedIn(user) {
  state.user = user;
  document.getElementById('nav').hidden = false;
  document.getElementById('who').textContent = `${user.username}${user.role !== 'user' ? ` (${user.role})` : ''}`;
  document.getElementById('signout').hidden = false;
  document.getElementById('admin-link').hidden = user.role === 'user';
  if (!location.hash || location.hash.startsWith('#/login')) location.hash = '#/deployments';
  else route();
}

async function route() {
  for (const undo of state.cleanup.splice(0)) undo();
  flash('');
  unsubscribeAll();
  const [page, id] = location.hash.replace(/^#\//, '').split('/');
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('active', link.dataset.page === page);
  if (!state.user) return login(app);
  app.replaceChildren();
  switch (page) {
    case 'deployments': return id ? deployment(app, Number(id)) : deployments(app, state.user);
    case 'strategies': return strategies(app, id ? Number(id) : null);
    case 'marketplace': return marketplace(app, id ? Number(id) : null, state.user);
    case 'admin': return state.user.role !== 'user' ? admin(app, state.user) : (location.hash = '#/deployments');
    case 'account': return account(app, state.user);
    case 'alerts': return alerts(app);
    case 'wallet': return wallet(app);
    default: location.hash = '#/deployments';
  }
}

document.getElementById('signout').addEventListener('click', async () => {
  await act(() => post('/api/auth/logout'));
  close();
  state.user = null;
  document.getElementById('nav').hidden = true;
  document.getElementById('signout').hidden = true;
  document.getElementById('who').textContent = '';
  location.hash = '#/login';
  route();
});

window.addEventListener('hashchange', route);

try {
  await signedIn(await get('/api/auth/me'));
} catch {
  route();
}
