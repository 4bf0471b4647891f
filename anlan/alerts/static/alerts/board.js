// The warning board's chart: per kind of target, how many reported measures, only acknowledged,
// or are still silent (ECharts, served locally). Redrawn whenever the board refreshes (htmx).
(function () {
  var chart = null;
  function draw() {
    var el = document.getElementById("board-chart");
    var source = document.getElementById("board-chart-data");
    if (!el || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!chart) {
      chart = echarts.init(el);
      window.addEventListener("resize", function () { chart.resize(); });
    }
    chart.setOption({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.labels },
      series: [
        { name: el.dataset.measures, type: "bar", stack: "t", data: data.measures, itemStyle: { color: "#198754" } },
        { name: el.dataset.acknowledged, type: "bar", stack: "t", data: data.acknowledged, itemStyle: { color: "#ffc107" } },
        { name: el.dataset.waiting, type: "bar", stack: "t", data: data.waiting, itemStyle: { color: "#dc3545" } }
      ]
    });
    document.body.dataset.chartsReady = "1";
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", draw);
})();
