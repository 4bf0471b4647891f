// The city / county dashboard charts (ECharts, served locally). Data comes from the page,
// already scoped; every bar and slice opens the ledger rows behind it.
(function () {
  var stats = JSON.parse(document.getElementById("stats-data").textContent);
  var data = JSON.parse(document.getElementById("hazard-data").textContent);
  var labels = document.getElementById("chart-labels").dataset;
  var charts = [];
  function go(url) { if (url) window.location = url; }
  function make(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el);
    charts.push(chart);
    return chart;
  }
  // rows: [{name, count, url}] (or link + code for the enterprise charts)
  function bar(id, rows, colour, link) {
    var chart = make(id);
    if (!chart) return;
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 6 ? 35 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: colour }, label: { show: true, position: "top" } }]
    });
    chart.on("click", function (p) { var r = rows[p.dataIndex]; go(r.url || (link && link + r.code)); });
  }
  function pie(id, rows, link) {
    var chart = make(id);
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        data: rows.map(function (r) { return { name: r.name, value: r.count }; }) }]
    });
    chart.on("click", function (p) { var r = rows[p.dataIndex]; go(r.url || (link && link + r.code)); });
  }
  // Per county (city) or township (county): found, closed, overdue, open major.
  function breakdown(id, rows) {
    var chart = make(id);
    if (!chart) return;
    var keys = ["found", "closed", "overdue", "open_major"];
    var names = [labels.found, labels.closed, labels.overdue, labels.major];
    var colours = ["#c0392b", "#198754", "#e67e22", "#7b241c"];
    chart.setOption({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { data: names, top: 0 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 6 ? 35 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: keys.map(function (k, i) {
        return { name: names[i], type: "bar", data: rows.map(function (r) { return r[k]; }), itemStyle: { color: colours[i] } };
      })
    });
    chart.on("click", function (p) { go(rows[p.dataIndex].links[keys[p.seriesIndex]]); });
  }
  breakdown("chart-breakdown", data.breakdown);
  pie("chart-commitments", data.commitments);
  var colours = { blue: "#1f6feb", yellow: "#f1c40f", orange: "#e67e22", red: "#c0392b" };
  var warn = make("chart-warnings");
  if (warn) {
    warn.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.warnings.map(function (r) { return r.name; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", label: { show: true, position: "top" },
        data: data.warnings.map(function (r) { return { value: r.count, itemStyle: { color: colours[r.code] } }; }) }]
    });
    warn.on("click", function (p) { go(data.warnings[p.dataIndex].url); });
  }
  pie("chart-trainings", data.trainings);
  var list = "/enterprises/?";
  bar("chart-county", stats.by_county, "#1f4e79", list + "region=");
  pie("chart-industry", stats.by_industry, list + "industry=");
  bar("chart-flag", stats.by_flag, "#c0392b", list + "flag=");
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.chartsReady = "1";
})();
