// The judge's phone page (/arena/j/{token}): steppers of 0.5, the running total, and the ballot
// sent with the judge's token. A ballot that cannot be sent (no network, server away) is kept in
// localStorage under its session, contestant and token and sent again when the network returns
// (and every few seconds); the server takes the same body twice harmlessly, so resending is safe.
// "Sent" shows only when the server has answered 200.
(function () {
  'use strict';
  var form = document.getElementById('ballot');
  var stateBox = document.getElementById('judge-state');
  var pendingPrefix = 'saima.arena.pending:';

  function round(v) { return Math.round(v * 2) / 2; }

  function clamp(v, max) {
    if (!isFinite(v)) { return 0; }
    return Math.min(Math.max(round(v), 0), max);
  }

  function key(token, session, unit) { return pendingPrefix + token + ':' + session + ':' + unit; }

  function format(text, arg) { return text.replace('{0}', arg); }

  // Sends one ballot; resolves to {ok, status, detail}; rejects when the network fails.
  function send(token, body) {
    return fetch('/api/v1/arena/ballots', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit'
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        return { ok: r.ok, status: r.status, detail: j.detail || '', total: j.total };
      });
    });
  }

  // Everything kept on this phone, sent again; kept only while the network fails.
  function flush() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(pendingPrefix) === 0) { keys.push(k); }
    }
    keys.forEach(function (k) {
      var item;
      try { item = JSON.parse(localStorage.getItem(k)); } catch (e) { localStorage.removeItem(k); return; }
      if (!item || !item.token || !item.body) { localStorage.removeItem(k); return; }
      send(item.token, item.body).then(function (res) {
        localStorage.removeItem(k);
        if (form && k === key(form.dataset.token, form.dataset.session, form.dataset.unit)) {
          show(res);
        }
      }, function () { /* still offline: keep it */ });
    });
  }

  var status = document.getElementById('status');

  function show(res) {
    if (!status) { return; }
    status.className = 'status';
    if (res.ok) {
      status.textContent = form.dataset.sent;
      status.classList.add('ok');
    } else if (res.status === 409 && /closed|published/.test(res.detail)) {
      status.textContent = form.dataset.closed;
      status.classList.add('bad');
    } else {
      status.textContent = format(form.dataset.refused, res.detail || String(res.status));
      status.classList.add('bad');
    }
  }

  if (form) {
    var total = document.getElementById('total');
    var inputs = Array.prototype.slice.call(form.querySelectorAll('input.value'));

    var recount = function () {
      var sum = 0;
      inputs.forEach(function (input) { sum += parseFloat(input.value) || 0; });
      if (total) { total.textContent = String(round(sum)); }
    };

    form.addEventListener('click', function (e) {
      var button = e.target.closest('button.step');
      if (!button) { return; }
      var box = button.closest('fieldset');
      var input = box.querySelector('input.value');
      var max = parseFloat(box.dataset.max);
      input.value = String(clamp((parseFloat(input.value) || 0) + parseFloat(button.dataset.step), max));
      recount();
      status.textContent = '';
    });

    inputs.forEach(function (input) {
      input.addEventListener('change', function () {
        input.value = String(clamp(parseFloat(input.value), parseFloat(input.closest('fieldset').dataset.max)));
        recount();
      });
    });

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var body;
      if (form.dataset.graded) {
        // A graded session (民主测评): one grade, no scores.
        var picked = form.querySelector('input[name="grade"]:checked');
        if (!picked) {
          status.className = 'status warn';
          status.textContent = form.dataset.pick;
          return;
        }
        body = { session: form.dataset.session, contestant: form.dataset.unit, grade: picked.value };
      } else {
        var scores = {};
        inputs.forEach(function (input) { scores[input.name] = parseFloat(input.value) || 0; });
        body = { session: form.dataset.session, contestant: form.dataset.unit, scores: scores };
      }
      var k = key(form.dataset.token, form.dataset.session, form.dataset.unit);
      // Kept first, so that a page closed while sending still has it.
      localStorage.setItem(k, JSON.stringify({ token: form.dataset.token, body: body }));
      status.className = 'status';
      status.textContent = form.dataset.sending;
      send(form.dataset.token, body).then(function (res) {
        localStorage.removeItem(k);
        show(res);
      }, function () {
        status.className = 'status warn';
        status.textContent = form.dataset.offline;
      });
    });

    recount();
  }

  window.addEventListener('online', flush);
  flush();
  setInterval(flush, 5000);

  // Follows the rounds: when the open round changes and nothing typed here waits, the page reloads.
  if (stateBox) {
    var dirty = false;
    if (form) { form.addEventListener('click', function () { dirty = true; }); }
    setInterval(function () {
      fetch(stateBox.dataset.stateUrl, { cache: 'no-store', credentials: 'omit' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
        if (!s) { return; }
        var current = stateBox.dataset.current;
        var changed = s.published || (current === '' ? s.open.length > 0 : s.open.indexOf(current) < 0);
        if (changed && (!dirty || s.open.indexOf(current) < 0)) { location.reload(); }
      }, function () { /* offline */ });
    }, 4000);
  }
})();
