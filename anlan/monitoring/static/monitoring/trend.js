// Trend chart of the enterprise monitoring page: raw values for short periods, per-minute
// min / avg / max from the rollups for longer ones (GET /api/monitoring/sensors/{id}/series).
(function () {
  const box = document.getElementById("trend-chart");
  const select = document.getElementById("trend-sensor");
  if (!box || !select || !window.echarts) return;
  const chart = echarts.init(box);
  window.addEventListener("resize", () => chart.resize());
  function load() {
    const option = select.selectedOptions[0];
    if (!option) return;
    fetch(option.dataset.url + "?hours=" + box.dataset.hours, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((data) => {
        const series = data.rollup
          ? [
              { name: box.dataset.min, type: "line", showSymbol: false, data: data.points.map((p) => [p[0], p[1]]) },
              { name: box.dataset.avg, type: "line", showSymbol: false, data: data.points.map((p) => [p[0], p[3]]) },
              { name: box.dataset.max, type: "line", showSymbol: false, data: data.points.map((p) => [p[0], p[2]]) },
            ]
          : [{ name: box.dataset.value, type: "line", showSymbol: false, data: data.points }];
        chart.setOption(
          { tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "time" }, yAxis: { type: "value", scale: true }, series: series },
          true
        );
      });
  }
  select.addEventListener("change", load);
  load();
})();
