// ECharts versions of a bulletin's charts (the PDF draws the same figures as SVG).
(function () {
  "use strict";
  var data = document.getElementById("bulletin-charts");
  if (!data || typeof echarts === "undefined") return;
  var charts = JSON.parse(data.textContent);
  var colours = ["#c0392b", "#2c7fb8", "#e67e22", "#27ae60", "#8e44ad", "#7f8c8d", "#f1c40f", "#16a085"];
  charts.forEach(function (c) {
    var el = document.querySelector('[data-chart="' + c.key + '"]');
    if (!el) return;
    var chart = echarts.init(el);
    var option;
    if (c.kind === "pie") {
      option = {
        color: colours,
        title: { text: c.title, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: "60%", data: c.categories.map(function (name, i) {
          return { name: name, value: c.series[0].data[i] };
        }) }]
      };
    } else {
      option = {
        color: colours,
        title: { text: c.title, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 48, right: 12, top: 40, bottom: 60 },
        xAxis: { type: "category", data: c.categories, axisLabel: { interval: 0, rotate: c.categories.length > 6 ? 30 : 0 } },
        yAxis: { type: "value" },
        series: c.series.map(function (s) { return { type: "bar", name: s.name, data: s.data, label: { show: true, position: "top" } }; })
      };
    }
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
