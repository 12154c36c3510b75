// The REST client: same-origin fetch with the httpOnly token cookies; one
// refresh (cookie) and retry on 401. Errors carry the API's message and details.
export class APIError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.details = error.details || [];
  }
}

async function send(method, path, body, headers = {}) {
  const init = { method, credentials: 'same-origin', headers: { ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return fetch(path, init);
}

export async function api(method, path, body, headers) {
  let response = await send(method, path, body, headers);
  if (response.status === 401 && !path.startsWith('/api/auth/')) {
    const refreshed = await send('POST', '/api/auth/refresh', {});
    if (refreshed.ok) response = await send(method, path, body, headers);
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw new APIError(response.status, data);
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, headers) => api('POST', path, body ?? {}, headers);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/**
 * Polls a job (a backtest or a sweep) every `every` ms until it is neither
 * queued nor running and resolves with that view; `progress(view)` shows
 * each unfinished one. Resolves null once `stillWanted()` is false (the page
 * was left). Errors reject, like `get`.
 */
export async function finished(path, progress, { every = 500, stillWanted = () => true } = {}) {
  for (;;) {
    if (!stillWanted()) return null;
    const view = await get(path);
    if (view.status !== 'queued' && view.status !== 'running') return view;
    progress(view);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
