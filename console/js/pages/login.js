// Sign in (with a second factor when the account has one) and register.
import { post, get } from '../api.js';
import { el } from '../format.js';
import { act, signedIn, flash } from '../app.js';

export function login(app) {
  let registering = false;
  let needsCode = false;
  const username = el('input', { name: 'username', autocomplete: 'username', required: true });
  const email = el('input', { name: 'email', type: 'email', autocomplete: 'email' });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const code = el('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code' });
  const emailRow = el('label', {}, 'Email', email);
  const codeRow = el('label', {}, 'Authenticator code (or a recovery code)', code);
  const submit = el('button', { type: 'submit', id: 'submit' }, 'Sign in');
  const toggle = el('button', { type: 'button', class: 'link', id: 'toggle' }, 'Create an account');
  const title = el('h1', {}, 'Sign in');
  const form = el('form', { class: 'card', id: 'login' }, title,
    el('label', {}, 'Username or email', username), emailRow, el('label', {}, 'Password', password), codeRow,
    el('div', { class: 'row' }, submit, toggle));

  function show() {
    title.textContent = registering ? 'Create an account' : 'Sign in';
    submit.textContent = registering ? 'Register' : 'Sign in';
    toggle.textContent = registering ? 'I have an account' : 'Create an account';
    emailRow.hidden = !registering;
    codeRow.hidden = registering || !needsCode;
  }
  toggle.addEventListener('click', () => { registering = !registering; show(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (registering) {
      const made = await act(() => post('/api/auth/register', { username: username.value, email: email.value, password: password.value }));
      if (!made) return;
      registering = false;
      show();
    }
    const body = { login: username.value, password: password.value };
    if (needsCode && code.value) body.code = code.value.trim();
    const answer = await act(() => post('/api/auth/login', body));
    if (!answer) return;
    if (answer.require2FA) {
      needsCode = true;
      show();
      flash('This account has two-factor sign-in: enter the code from your authenticator.', true);
      code.focus();
      return;
    }
    await signedIn(await get('/api/auth/me'));
  });
  show();
  app.replaceChildren(form);
  username.focus();
}
