// The judges page: the print button of the QR cards' sheet (no inline handler: the CSP forbids them).
(function () {
    'use strict';
    var button = document.getElementById('print-sheet');
    if (button) { button.addEventListener('click', function () { window.print(); }); }
}());
