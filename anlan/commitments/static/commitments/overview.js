// County commitment overview: a stacked bar per county (ECharts, served locally). A click on a
// county opens its list of missing commitments.
(function () {
  var el = document.getElementById("overview-chart");
  if (!el || typeof echarts === "undefined") return;
  var rows = JSON.parse(document.getElementById("overview-data").textContent);
  var d = el.dataset;
  var chart = echarts.init(el);
  function series(name, key, colour) {
    return { name: name, type: "bar", stack: "all", itemStyle: { color: colour },
      data: rows.map(function (r) { return r[key]; }) };
  }
  chart.setOption({
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
      axisLabel: { interval: 0, rotate: rows.length > 5 ? 35 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      series(d.onTime, "on_time", "#198754"),
      series(d.late, "late", "#fd7e14"),
      series(d.missing, "missing", "#dc3545"),
      series(d.pending, "pending", "#adb5bd")
    ]
  });
  chart.on("click", function (p) { window.location = d.link + rows[p.dataIndex].code; });
  window.addEventListener("resize", function () { chart.resize(); });
  document.body.dataset.chartsReady = "1";
})();
