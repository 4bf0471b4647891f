// City dashboard charts (ECharts, served locally). Data comes from the page, already scoped.
(function () {
  var stats = JSON.parse(document.getElementById("stats-data").textContent);
  var charts = [];
  function bar(id, rows, colour, link) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 6 ? 35 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: colour }, label: { show: true, position: "top" } }]
    });
    if (link) chart.on("click", function (p) { window.location = link + rows[p.dataIndex].code; });
    charts.push(chart);
  }
  function pie(id, rows, link) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        data: rows.map(function (r) { return { name: r.name, value: r.count }; }) }]
    });
    if (link) chart.on("click", function (p) { window.location = link + rows[p.dataIndex].code; });
    charts.push(chart);
  }
  var list = "/enterprises/?";
  bar("chart-county", stats.by_county, "#1f4e79", list + "region=");
  pie("chart-industry", stats.by_industry, list + "industry=");
  bar("chart-flag", stats.by_flag, "#c0392b", list + "flag=");
  var hazards = JSON.parse(document.getElementById("hazard-data").textContent);
  var labels = document.getElementById("chart-labels").dataset;
  function pair(id, rows, key, link) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { data: [labels.found, labels.closed], top: 0 },
      xAxis: { type: "category", data: rows.map(function (r) { return r[key]; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.found, type: "bar", data: rows.map(function (r) { return r.found; }), itemStyle: { color: "#c0392b" } },
        { name: labels.closed, type: "bar", data: rows.map(function (r) { return r.closed; }), itemStyle: { color: "#198754" } }
      ]
    });
    if (link) chart.on("click", function (p) { window.location = link + rows[p.dataIndex].code; });
    charts.push(chart);
  }
  pair("chart-hazard-month", hazards.by_month, "month");
  pair("chart-hazard-county", hazards.by_county, "name", "/hazards/?region=");
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.chartsReady = "1";
})();
