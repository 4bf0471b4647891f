// 督办 task list: per unit, accepted on time / late / past the deadline / awaited (ECharts,
// served locally; data from the page). A click on a bar opens the tasks of that unit.
(function () {
  var el = document.getElementById("chart-units");
  var source = document.getElementById("unit-data");
  if (!el || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = { on_time: "#198754", late: "#fd7e14", overdue: "#dc3545", waiting: "#6c757d" };
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.labels, inverse: true },
    series: data.series.map(function (s) {
      return { type: "bar", stack: "all", name: s.name, data: s.data, itemStyle: { color: colours[s.key] } };
    })
  });
  chart.on("click", function (params) {
    var unit = data.units[params.dataIndex];
    if (!unit) return;
    var query = new URLSearchParams(window.location.search);
    query.set("unit", unit);
    query.delete("page");
    if (params.seriesIndex === 2) query.set("state", "overdue");
    window.location.search = query.toString();
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
