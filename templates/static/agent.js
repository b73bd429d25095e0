/* global window, document, fetch, URL */
/*
 * The /agent page: listens to the platform's Agent Adapter (reference: "Events in Agent
 * Adapters"). Only messages from the configured adapter origin count; anyone else can post to
 * this window (any page that frames or opens it), so everything else is ignored.
 */
(function () {
  'use strict';
  const root = document.getElementById('agent');
  const list = document.getElementById('agent-events');
  const pane = document.getElementById('crm-pane');
  if (!root || !list || !pane) return;
  const adapterOrigin = root.dataset.adapterOrigin;
  const csrf = root.dataset.csrf || '';

  /** The adapter posts a JSON string (`{ type, data }`); an object, or `event` for the name, too. */
  function readMessage(raw) {
    let message = raw;
    if (typeof message === 'string') {
      try {
        message = JSON.parse(message);
      } catch {
        return null;
      }
    }
    if (typeof message !== 'object' || message === null) return null;
    const name = typeof message.type === 'string' ? message.type : message.event;
    if (typeof name !== 'string' || name === '') return null;
    const data = message.data;
    const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
    return { event: name, data: isObject ? data : {} };
  }

  /**
   * A record URL of our own site (relative, or absolute on this origin) as a path; anything
   * else is null. The pane never goes to another site: a popped URL from elsewhere could show
   * a look-alike page inside ours, or be a `javascript:` URL.
   */
  function ownUrl(recordUrl) {
    if (typeof recordUrl !== 'string' || recordUrl === '') return null;
    let url;
    try {
      url = new URL(recordUrl, window.location.href);
    } catch {
      return null;
    }
    if (url.origin !== window.location.origin) return null;
    return url.pathname + url.search + url.hash;
  }

  function sessionOf(data) {
    if (data.call_id !== undefined && data.call_id !== null) return 'call-' + String(data.call_id);
    if (data.chat_id !== undefined && data.chat_id !== null) return 'chat-' + String(data.chat_id);
    return '';
  }

  /** One line per event, as text (never HTML: the data comes from another site). */
  function show(event, detail) {
    const item = document.createElement('li');
    const time = document.createElement('time');
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = now.toISOString().slice(11, 19);
    const text = document.createElement('span');
    text.textContent = ' ' + [event, detail].filter(Boolean).join(' · ');
    item.append(time, text);
    list.append(item);
    return text;
  }

  function save(event, data, line) {
    fetch('/agent/events', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ event: event, data: data }),
    })
      .then(function (res) {
        line.textContent += res.ok ? ' · saved' : ' · not saved (' + res.status + ')';
      })
      .catch(function () {
        line.textContent += ' · not saved (offline)';
      });
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== adapterOrigin) return;
    const message = readMessage(e.data);
    if (!message) return;
    let note = sessionOf(message.data);
    if (message.event === 'CRM_Record_Pop') {
      const path = ownUrl(message.data.recordUrl);
      if (path) pane.src = path;
      note = path ? 'opened ' + path : 'ignored: not a record of this site';
    }
    // Every event is kept, a record pop too (event actions may run on it).
    save(message.event, message.data, show(message.event, note));
  });
})();
