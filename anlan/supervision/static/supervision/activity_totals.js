// Totals per kind of the filtered ledger as a bar chart (ECharts, served locally): sessions or
// events and person-times, from the page's JSON.
(function () {
  var el = document.getElementById("totals-chart");
  var source = document.getElementById("totals-chart-data");
  if (!el || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
    series: [
      { name: el.dataset.countLabel, type: "bar", data: data.sessions, itemStyle: { color: "#1f4e79" } },
      { name: el.dataset.peopleLabel, type: "bar", data: data.participants, itemStyle: { color: "#fd7e14" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  document.body.dataset.chartsReady = "1";
})();
