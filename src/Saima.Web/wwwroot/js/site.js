// Saima's own script (no inline scripts: the CSP allows only files from here).
// htmx requests carry the anti-forgery token of the page's first form.
document.addEventListener("htmx:configRequest", function (e) {
    var token = document.querySelector("input[name='__RequestVerificationToken']");
    if (token) {
        e.detail.headers["X-CSRF-TOKEN"] = token.value;
    }
});
