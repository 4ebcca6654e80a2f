// The map: the units drawn from the stored GeoJSON that fits the scheme, coloured by score
// (visualMap) or by warning level, from the JSON at the element's data-src (/map/data).
// No inline script: the CSP allows only files from here. A click opens the unit's page.
(function () {
    var el = document.getElementById("geo-map");
    if (!el || typeof echarts === "undefined") {
        return;
    }
    function fmt(v) {
        return v === null || v === undefined ? "–" : String(v);
    }
    function esc(s) {
        return String(s).replace(/[&<>"']/g, function (c) {
            return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
        });
    }
    fetch(el.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (d) {
            var name = "saima-" + d.map;
            echarts.registerMap(name, d.geo);
            var warning = d.mode === "warning";
            // Above this many features, labels show on hover only: 150 township names at once overlap.
            var dense = (d.geo && d.geo.features ? d.geo.features.length : 0) > 30;
            el.setAttribute("data-dense", dense ? "true" : "false");
            var halo = { color: "#212529", textBorderColor: "rgba(255, 255, 255, 0.92)", textBorderWidth: 3, fontSize: 12 };
            var labelOf = function (p) { return p.data && p.data.unit ? p.data.unit.name : p.name; };
            var data = d.units.map(function (u) {
                var item = { name: u.code, value: u.score, unit: u };
                if (warning) {
                    item.itemStyle = { areaColor: u.colour || "#f8f9fa" };
                }
                return item;
            });
            var option = {
                tooltip: {
                    trigger: "item",
                    // Confined, ECharts draws no arrow: its arrow is markup with a style attribute, which the CSP refuses.
                    confine: true,
                    formatter: function (p) {
                        var u = p.data && p.data.unit;
                        if (!u) {
                            return esc(p.name);
                        }
                        var lines = ["<strong>" + esc(u.name) + "</strong>",
                            esc(d.labels.score) + ": " + esc(fmt(u.score)),
                            esc(d.labels.rank) + ": " + esc(fmt(u.rank))];
                        if (u.value !== null && u.value !== undefined) {
                            lines.push(esc(d.labels.value) + ": " + esc(fmt(u.value)));
                        }
                        if (u.warningLabel) {
                            lines.push(esc(d.labels.warning) + ": " + esc(u.warningLabel));
                        }
                        return lines.join("<br>");
                    }
                },
                series: [{
                    type: "map",
                    map: name,
                    nameProperty: "code",
                    roam: true,
                    selectedMode: false,
                    // Dark text with a light halo reads on every fill (red, yellow, green, blue);
                    // a dense map (many features) names a unit only under the pointer.
                    label: Object.assign({ show: !dense, formatter: labelOf }, halo),
                    labelLayout: { hideOverlap: true },
                    emphasis: { label: Object.assign({ show: true, formatter: labelOf, fontWeight: "bold" }, halo) },
                    data: data
                }]
            };
            if (!warning && d.min !== null && d.max !== null) {
                option.visualMap = {
                    min: d.min, max: d.max === d.min ? d.min + 1 : d.max,
                    calculable: true, left: "left", bottom: 10, text: [String(d.max), String(d.min)],
                    // Higher scores are better: red at the bottom, green at the top.
                    inRange: { color: ["#dc3545", "#ffc107", "#198754"] }
                };
            }
            var chart = echarts.init(el);
            chart.setOption(option);
            chart.on("click", function (p) {
                if (p.data && p.data.unit && p.data.unit.href) {
                    window.location.href = p.data.unit.href;
                }
            });
            window.addEventListener("resize", function () { chart.resize(); });
        })
        .catch(function () { el.classList.add("d-none"); });
})();
