// The office's control page of a session: keeps each round's state, ballots in (per category),
// score and rank, and the judges yet to rate the open rounds, current without a reload. The board's
// event stream (data-stream) says when something changed; each change reads the page's counts
// (data-live, ?handler=Live) again. When the stream fails (refused, cut, no EventSource) the page
// polls the counts every two seconds and tries the stream again after half a minute.
(function () {
  'use strict';
  var table = document.getElementById('rounds');
  if (!table || !table.dataset.live) { return; }
  var missing = document.getElementById('missing');
  var live = document.getElementById('control-live');
  var source = null;
  var poller = null;
  var retry = null;
  var pending = false;
  var again = false;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function set(row, cls, text) {
    var cell = row.querySelector('.' + cls);
    if (cell && cell.textContent !== text) { cell.textContent = text; }
  }

  function draw(d) {
    d.rounds.forEach(function (r) {
      var row = table.querySelector('tr[data-unit="' + CSS.escape(r.unit) + '"]');
      if (!row) { return; }
      row.dataset.state = r.state;
      set(row, 'round-state', r.stateText);
      set(row, 'round-ballots', r.ballotsText);
      set(row, 'round-score', r.score);
      set(row, 'round-rank', r.rank);
    });
    if (missing) {
      missing.textContent = '';
      d.rounds.forEach(function (r) {
        if (!r.missingTitle) { return; }
        var box = el('div', null, 'missing-round');
        box.dataset.unit = r.unit;
        box.appendChild(el('h2', r.missingTitle, 'h6'));
        box.appendChild(el('p', r.missingJudges, 'small'));
        missing.appendChild(box);
      });
    }
    if (live) { live.hidden = false; }
  }

  // One read at a time; a change while reading reads once more after it.
  function read() {
    if (pending) { again = true; return; }
    pending = true;
    fetch(table.dataset.live, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d) { draw(d); } }, function () { if (live) { live.hidden = true; } })
      .then(function () {
        pending = false;
        if (again) { again = false; read(); }
      });
  }

  function poll() {
    if (poller) { return; }
    read();
    poller = setInterval(function () { if (!document.hidden) { read(); } }, 2000);
  }

  function stopPolling() {
    if (poller) { clearInterval(poller); poller = null; }
  }

  function follow() {
    if (!window.EventSource || !table.dataset.stream) { poll(); return; }
    source = new EventSource(table.dataset.stream);
    source.addEventListener('state', function () { stopPolling(); read(); });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        poll();
        if (!retry) { retry = setTimeout(function () { retry = null; stopPolling(); follow(); }, 30000); }
      }
    };
  }

  follow();
})();
