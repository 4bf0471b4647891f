// Offline and data quality page: online rate and completeness per county as bars, with the
// gateways offline now as a line on a second axis. Data from the json_script "county-chart-data".
(function () {
  const box = document.getElementById("county-chart");
  const source = document.getElementById("county-chart-data");
  if (!box || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(box);
  window.addEventListener("resize", () => chart.resize());
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: {},
    grid: { left: 40, right: 40, bottom: 60 },
    xAxis: { type: "category", data: data.counties, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: [
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      { type: "value", minInterval: 1 },
    ],
    series: [
      { name: box.dataset.online, type: "bar", data: data.online },
      { name: box.dataset.completeness, type: "bar", data: data.completeness },
      { name: box.dataset.offline, type: "line", yAxisIndex: 1, data: data.gateways_offline },
    ],
  });
})();
