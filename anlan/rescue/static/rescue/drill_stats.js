// Stacked bar chart of drills held per period by kind (ECharts, served locally); data from the page.
(function () {
  var el = document.getElementById("drill-chart");
  var source = document.getElementById("drill-chart-data");
  if (!el || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#1f4e79", "#0dcaf0", "#fd7e14", "#c0392b", "#198754"];
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: data.periods },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s, i) {
      return { name: s.name, type: "bar", stack: "drills", data: s.data, itemStyle: { color: colours[i % colours.length] } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
  document.body.dataset.chartsReady = "1";
})();
