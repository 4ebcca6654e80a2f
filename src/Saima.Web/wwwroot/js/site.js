// Saima's own script (no inline scripts: the CSP allows only files from here).
// htmx requests carry the anti-forgery token of the page's first form.
document.addEventListener("htmx:configRequest", function (e) {
    var token = document.querySelector("input[name='__RequestVerificationToken']");
    if (token) {
        e.detail.headers["X-CSRF-TOKEN"] = token.value;
    }
});

// Filters of a GET form (the league table's) apply as soon as a select changes; without script
// the form's button does the same.
document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select.auto-submit") && e.target.form) {
        e.target.form.submit();
    }
});
