// The hall's board: polls the session's data every second and redraws, no page reload.
(function () {
  'use strict';
  var board = document.getElementById('board');
  if (!board) { return; }
  var now = document.getElementById('now');
  var ranking = document.getElementById('ranking');

  function cell(text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) { td.className = cls; }
    return td;
  }

  function draw(d) {
    now.textContent = d.now.length === 0 ? '—' : d.now.map(function (r) { return r.name + ' · ' + board.dataset.ballots + ' ' + r.ballots; }).join('　');
    ranking.textContent = '';
    d.ranking.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.appendChild(cell(String(r.rank)));
      tr.appendChild(cell(r.name));
      tr.appendChild(cell(r.score.toFixed(2), 'num'));
      if (r.grades) { tr.appendChild(cell(r.grades, 'shares')); }
      ranking.appendChild(tr);
    });
  }

  function tick() {
    fetch(board.dataset.url, { cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) { if (d) { draw(d); } }, function () { });
  }

  tick();
  setInterval(tick, 1000);
})();
