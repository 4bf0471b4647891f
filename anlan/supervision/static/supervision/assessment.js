// Assessment ranking: each unit's total (ECharts, served locally; data from the page).
(function () {
  var el = document.getElementById("chart-totals");
  var source = document.getElementById("totals-data");
  if (!el || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", min: 0 },
    series: [{
      type: "bar",
      label: { show: true, position: "top" },
      data: data.values.map(function (v, i) {
        return { value: v, itemStyle: { color: data.vetoed[i] ? "#842029" : ({ excellent: "#198754", pass: "#0d6efd", fail: "#dc3545" }[data.grades[i]] || "#6c757d") } };
      })
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
