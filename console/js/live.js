// One WebSocket for the page (docs/api.md, "WebSocket /ws"), authenticated by
// the same cookie; subscriptions are re-sent after a reconnect.
const handlers = new Map();
let socket = null;
let retry = 500;

function key(message) { return `${message.channel}:${message.deploymentId ?? message.symbol ?? ''}`; }

function open() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(`${scheme}//${location.host}/ws`);
  socket.addEventListener('open', () => {
    retry = 500;
    for (const entry of handlers.values()) socket.send(JSON.stringify(entry.message));
  });
  socket.addEventListener('message', (event) => {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    // Replies (`subscribed`, `unsubscribed`) name the channel too but carry no event.
    if (data.type === 'subscribed' || data.type === 'unsubscribed' || data.data === undefined) return;
    for (const entry of handlers.values()) {
      if (data.channel && data.channel === entry.channel) entry.handler(data);
    }
  });
  socket.addEventListener('close', (event) => {
    socket = null;
    if (event.code === 4401 || event.code === 4403 || handlers.size === 0) return;
    setTimeout(() => { if (!socket && handlers.size) open(); }, retry);
    retry = Math.min(retry * 2, 10000);
  });
}

/** Calls `handler(event)` for every event of the channel; returns an unsubscribe function. */
export function subscribe(message, channel, handler) {
  const id = key(message);
  handlers.set(id, { message: { type: 'subscribe', ...message }, channel, handler });
  if (!socket) open();
  else if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'subscribe', ...message }));
  return () => {
    handlers.delete(id);
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'unsubscribe', ...message }));
  };
}

/** Drops every subscription (a page change). */
export function unsubscribeAll() {
  for (const entry of handlers.values()) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ ...entry.message, type: 'unsubscribe' }));
  }
  handlers.clear();
}

export function close() { unsubscribeAll(); if (socket) socket.close(1000); socket = null; }
