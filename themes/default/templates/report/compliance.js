/* The compliance report's summary table: sort by a column (click its heading, again to reverse) and filter by
   the selects above it. Inlined into the report, so it works opened from disk (file://) and fetches nothing;
   without it the table is all there, in the build's order. */
(function () {
  "use strict";
  var table = document.getElementById("station-table");
  var form = document.getElementById("station-filters");
  var count = document.getElementById("station-count");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var total = rows.length;

  function chosen() {
    return Array.prototype.filter.call(form.elements, function (field) { return field.name && field.value; });
  }

  function filter() {
    var fields = chosen();
    var shown = 0;
    rows.forEach(function (row) {
      var match = fields.every(function (field) { return row.dataset[field.name] === field.value; });
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    var what = fields.map(function (field) {
      return field.parentNode.firstChild.textContent.trim() + "：" + field.options[field.selectedIndex].text;
    });
    count.textContent = what.length ? "筛选（" + what.join("，") + "）：显示 " + shown + " 个，共 " + total + " 个联络站。"
                                    : "共 " + total + " 个联络站。点击站名查看逐站检查结果。";
  }

  function sortBy(header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var numeric = header.dataset.type === "number";
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row, position) {
      var key = row.cells[index].dataset.sort;
      return { row: row, key: numeric ? parseFloat(key) : key, position: position };
    });
    keyed.sort(function (a, b) {
      var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return (ascending ? order : -order) || a.position - b.position;
    });
    rows = keyed.map(function (item) { return item.row; });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = header.textContent;
    button.title = "按“" + header.textContent + "”排序";
    header.textContent = "";
    header.appendChild(button);
    button.addEventListener("click", function () { sortBy(header, index); });
  });
  form.addEventListener("change", filter);
  form.addEventListener("reset", function () { window.setTimeout(filter, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  filter();
}());
