// The export page: move a ticked column up or down, tick all or none.
(function () {
  var list = document.getElementById("export-columns");
  list.addEventListener("click", function (e) {
    var b = e.target.closest("[data-move]");
    if (!b) return;
    var li = b.closest("li");
    if (b.dataset.move === "up" && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
    if (b.dataset.move === "down" && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
  });
  document.querySelectorAll("[data-tick]").forEach(function (b) {
    b.addEventListener("click", function () {
      list.querySelectorAll("input[type=checkbox]").forEach(function (c) { c.checked = b.dataset.tick === "all"; });
    });
  });
})();
