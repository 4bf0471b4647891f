// Per-county bar chart of the month's patrols (ECharts, served locally); data from the page.
(function () {
  var el = document.getElementById("patrol-chart");
  var source = document.getElementById("patrol-chart-data");
  if (!el || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var labels = document.getElementById("patrol-chart-labels").dataset;
  var chart = echarts.init(el);
  function series(name, values, colour) {
    return { name: name, type: "bar", data: values, itemStyle: { color: colour } };
  }
  chart.setOption({
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 35 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      series(labels.patrols, data.patrols, "#1f4e79"),
      series(labels.spot, data.spot_checks, "#0dcaf0"),
      series(labels.findings, data.findings, "#fd7e14"),
      series(labels.hazards, data.hazards, "#c0392b")
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  document.body.dataset.chartsReady = "1";
})();
