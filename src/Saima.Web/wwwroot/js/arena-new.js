// The office's create form of an on-site evaluation: shows the criteria or the grades as the
// kind says, and a bounded unit search whose results add a unit code to the contestants' lines.
(function () {
    'use strict';
    var form = document.getElementById('arena-new');
    if (!form) { return; }

    function showKind() {
        var graded = document.getElementById('kind-grades').checked;
        document.getElementById('criteria-part').hidden = graded;
        document.getElementById('grades-part').hidden = !graded;
    }
    form.querySelectorAll('input[name="Kind"]').forEach(function (r) { r.addEventListener('change', showKind); });
    showKind();

    var search = document.getElementById('unit-search');
    var results = document.getElementById('unit-results');
    var lines = document.getElementById('Contestants');
    var timer = null;
    function codes() {
        return lines.value.split('\n').map(function (l) { return l.trim(); }).filter(function (l) { return l.length > 0; });
    }
    function add(code) {
        var list = codes();
        if (list.indexOf(code) < 0) { list.push(code); }
        lines.value = list.join('\n');
    }
    function render(units) {
        results.textContent = '';
        units.forEach(function (u) {
            var li = document.createElement('li');
            li.className = 'list-group-item list-group-item-action d-flex justify-content-between align-items-center';
            var b = document.createElement('button');
            b.type = 'button';
            b.className = 'btn btn-link p-0 text-start unit-pick';
            b.dataset.code = u.code;
            b.textContent = u.name + ' (' + u.code + ')';
            b.addEventListener('click', function () { add(u.code); });
            li.appendChild(b);
            results.appendChild(li);
        });
    }
    search.addEventListener('input', function () {
        clearTimeout(timer);
        var q = search.value.trim();
        if (!q) { render([]); return; }
        timer = setTimeout(function () {
            fetch(search.dataset.url + '&q=' + encodeURIComponent(q), { credentials: 'same-origin' })
                .then(function (r) { return r.ok ? r.json() : []; })
                .then(render)
                .catch(function () { render([]); });
        }, 200);
    });
    search.addEventListener('keydown', function (e) {
        if (e.key === 'Enter') {
            e.preventDefault();
            var first = results.querySelector('.unit-pick');
            if (first) { first.click(); }
        }
    });
}());
