// The hall's board: follows the session by server-sent events (?handler=Stream) and redraws, no
// page reload; when the stream fails (refused, cut, no EventSource) it polls ?handler=Data every
// second and tries the stream again after half a minute.
(function () {
  'use strict';
  var board = document.getElementById('board');
  if (!board) { return; }
  var now = document.getElementById('now');
  var ranking = document.getElementById('ranking');
  var scores = document.getElementById('scores');
  var hidden = document.getElementById('hidden-scores');
  var live = document.getElementById('live');
  var source = null;
  var poller = null;
  var retry = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function draw(d) {
    now.textContent = '';
    if (d.now.length === 0) { now.appendChild(el('div', '—', 'now')); }
    d.now.forEach(function (r) {
      var round = el('div', null, 'round');
      round.appendChild(el('div', r.name + ' · ' + board.dataset.ballots + ' ' + r.ballots, 'now'));
      var cats = el('div', null, 'cats');
      r.categories.forEach(function (c) {
        var span = el('span', c.name + ' ', 'cat');
        span.appendChild(el('b', String(c.ballots)));
        cats.appendChild(span);
      });
      round.appendChild(cats);
      now.appendChild(round);
    });
    scores.hidden = !d.scores;
    hidden.hidden = d.scores;
    board.dataset.scores = d.scores ? '1' : '0';
    ranking.textContent = '';
    (d.ranking || []).forEach(function (r) {
      var tr = document.createElement('tr');
      tr.appendChild(el('td', String(r.rank)));
      tr.appendChild(el('td', r.name));
      tr.appendChild(el('td', r.score === null ? '—' : r.score.toFixed(2), 'num'));
      if (r.grades) { tr.appendChild(el('td', r.grades, 'shares')); }
      ranking.appendChild(tr);
    });
  }

  function tick() {
    fetch(board.dataset.url, { cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) { if (d) { draw(d); } }, function () { });
  }

  function poll() {
    if (poller) { return; }
    tick();
    poller = setInterval(tick, 1000);
    if (!retry) { retry = setTimeout(function () { retry = null; follow(); }, 30000); }
  }

  function follow() {
    if (!window.EventSource) { poll(); return; }
    source = new EventSource(board.dataset.stream);
    source.addEventListener('open', function () {
      live.hidden = false;
      board.dataset.mode = 'stream';
      if (poller) { clearInterval(poller); poller = null; }
    });
    source.addEventListener('state', function (e) { draw(JSON.parse(e.data)); });
    source.addEventListener('error', function () {
      source.close();
      source = null;
      live.hidden = true;
      board.dataset.mode = 'poll';
      poll();
    });
  }

  follow();
})();
