// The unit page's chart: total score and rank over the published periods, from the JSON at the
// element's data-src (no inline script: the CSP allows only files from here).
(function () {
    var el = document.getElementById("unit-chart");
    if (!el || typeof echarts === "undefined") {
        return;
    }
    fetch(el.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (d) {
            var chart = echarts.init(el);
            chart.setOption({
                // Drawn on the canvas: as markup, the tooltip carries style attributes that the CSP refuses.
                tooltip: { trigger: "axis", renderMode: "richText" },
                legend: { data: [d.labels.score, d.labels.rank] },
                grid: { left: 48, right: 48, top: 40, bottom: 32 },
                xAxis: { type: "category", data: d.periods },
                yAxis: [
                    { type: "value", name: d.labels.score, scale: true },
                    // Rank 1 at the top: moving up the table is moving up the chart.
                    { type: "value", name: d.labels.rank, inverse: true, minInterval: 1, min: 1 }
                ],
                series: [
                    { name: d.labels.score, type: "line", data: d.score, yAxisIndex: 0 },
                    { name: d.labels.rank, type: "line", step: "middle", data: d.rank, yAxisIndex: 1 }
                ]
            });
            window.addEventListener("resize", function () { chart.resize(); });
        })
        .catch(function () { el.classList.add("d-none"); });
})();
