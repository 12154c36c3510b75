// Account: the password changed (the current one, and a code when two-factor
// sign-in is on; the other sessions end); two-factor sign-in (TOTP) set up
// with an authenticator app, with ten recovery codes shown once; turned off
// with a current code.
import { post } from '../api.js';
import { el } from '../format.js';
import { act, flash } from '../app.js';

export function account(app, user) {
  const area = el('div', { id: 'two-factor' });
  const code = el('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', placeholder: '6-digit code', size: 12 });
  const off = el('form', { class: 'row', id: 'two-factor-off' }, code, el('button', { type: 'submit', class: 'secondary' }, 'Turn two-factor sign-in off'));
  off.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await act(() => post('/api/auth/2fa/disable', { code: code.value.trim() }), 'two-factor sign-in is off') !== undefined) code.value = '';
  });
  const start = el('button', { id: 'two-factor-start', onclick: enrol }, 'Set up two-factor sign-in');
  area.append(start);
  app.append(el('h1', {}, 'Account'),
    el('div', { class: 'card' }, el('div', {}, el('span', { class: 'muted' }, 'Signed in as '), el('strong', {}, user.username), ` (${user.email}, ${user.role})`)),
    el('h2', {}, 'Password'), passwordForm(),
    el('h2', {}, 'Two-factor sign-in'), area, el('h2', {}, 'Turn it off'), off);

  async function enrol() {
    const enrolment = await act(() => post('/api/auth/2fa/enable'));
    if (!enrolment) return;
    const confirm = el('input', { name: 'confirm', inputmode: 'numeric', placeholder: 'code from the app', size: 12 });
    const form = el('form', { class: 'row', id: 'two-factor-confirm' }, confirm, el('button', { type: 'submit' }, 'Confirm'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const done = await act(() => post('/api/auth/2fa/confirm', { code: confirm.value.trim() }));
      if (!done) return;
      flash('two-factor sign-in is on', true);
      area.replaceChildren(el('p', {}, 'Keep these recovery codes somewhere safe: each signs you in once without the app. They are not shown again.'),
        el('ul', { id: 'recovery-codes' }, done.recoveryCodes.map((c) => el('li', {}, el('code', {}, c)))));
    });
    area.replaceChildren(
      el('p', {}, 'Add this key to your authenticator app (time-based, 6 digits, 30 s), then enter the code it shows.'),
      el('p', {}, el('code', { id: 'two-factor-secret' }, enrolment.secret)),
      el('p', { class: 'muted wrap' }, el('code', {}, enrolment.otpauthUri)), form);
    confirm.focus();
  }
}

function passwordForm() {
  const current = el('input', { name: 'currentPassword', type: 'password', autocomplete: 'current-password', placeholder: 'current password' });
  const next = el('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', placeholder: 'new password (12+ characters)' });
  const again = el('input', { name: 'repeat', type: 'password', autocomplete: 'new-password', placeholder: 'new password again' });
  const code = el('input', { name: 'code', inputmode: 'numeric', placeholder: 'code (if two-factor is on)', size: 16 });
  const form = el('form', { class: 'row', id: 'password-form' }, current, next, again, code, el('button', { type: 'submit' }, 'Change the password'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (next.value !== again.value) { flash('the two new passwords differ'); return; }
    const body = { currentPassword: current.value, newPassword: next.value };
    if (code.value.trim()) body.code = code.value.trim();
    if (await act(() => post('/api/auth/password', body), 'password changed: your other sessions have ended') !== undefined) form.reset();
  });
  return form;
}
