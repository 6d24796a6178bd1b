(function () {
  "use strict";
  var OPEN = { pass: false, not_applicable: false };
  var selects = {
    law: document.getElementById("filter-law"),
    severity: document.getElementById("filter-severity"),
    status: document.getElementById("filter-status")
  };
  var items = Array.prototype.slice.call(document.querySelectorAll("#finding-list .finding"));
  var count = document.getElementById("shown-count");
  var none = document.getElementById("no-match");
  var printNote = document.getElementById("print-filter");

  function fromHash() {
    var parts = window.location.hash.replace(/^#/, "").split("&");
    parts.forEach(function (part) {
      var pair = part.split("=");
      var key = decodeURIComponent(pair[0] || "");
      var value = decodeURIComponent(pair[1] || "");
      var select = selects[key];
      if (!select) { return; }
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) { select.value = value; }
      }
    });
  }

  function matches(item) {
    var law = selects.law.value, severity = selects.severity.value, status = selects.status.value;
    if (law && item.getAttribute("data-law").split(" ").indexOf(law) < 0) { return false; }
    if (severity && item.getAttribute("data-severity") !== severity) { return false; }
    var itemStatus = item.getAttribute("data-status");
    if (status === "findings") { return OPEN[itemStatus] !== false; }
    return !status || itemStatus === status;
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var ok = matches(item);
      item.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = "Showing " + shown + " of " + items.length + " results";
    count.setAttribute("data-shown", String(shown));
    none.hidden = shown !== 0;
    var labels = [];
    Object.keys(selects).forEach(function (key) {
      var select = selects[key];
      labels.push(key + ": " + select.options[select.selectedIndex].text);
    });
    printNote.textContent = "Filter: " + labels.join(", ") + " (" + shown + " of " + items.length + " results)";
  }

  function toHash() {
    var parts = [];
    Object.keys(selects).forEach(function (key) {
      if (selects[key].value !== (key === "status" ? "findings" : "")) {
        parts.push(key + "=" + encodeURIComponent(selects[key].value));
      }
    });
    try {
      window.history.replaceState(null, "", parts.length ? "#" + parts.join("&") : window.location.pathname);
    } catch (e) { /* file:// pages may refuse; the filter still works */ }
  }

  Object.keys(selects).forEach(function (key) {
    selects[key].addEventListener("change", function () { apply(); toHash(); });
  });
  fromHash();
  apply();
}());
