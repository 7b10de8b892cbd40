// Staff record pickers: a search box beside each picker field that suggests
// records by identifier or by a name in any script (/staff/pick/<kind>/).
// Without JavaScript the field still takes an identifier or a name, which the
// server resolves (editorial/staff/record_forms.py).
(function () {
  "use strict";
  function setUp(field, index) {
    var kind = field.getAttribute("data-picker");
    var listId = "picker-list-" + index;
    var box = document.createElement("input");
    box.type = "search";
    box.id = "picker-find-" + index;
    box.setAttribute("list", listId);
    box.setAttribute("autocomplete", "off");
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = "Find a " + kind + " by identifier or name";
    var list = document.createElement("datalist");
    list.id = listId;
    var wrap = document.createElement("div");
    wrap.className = "picker-find";
    wrap.append(label, box, list);
    field.insertAdjacentElement("afterend", wrap);
    var timer = null;
    box.addEventListener("input", function () {
      var text = box.value.trim();
      var chosen = Array.prototype.find.call(list.options, function (o) { return o.value === box.value; });
      if (chosen) {
        if (field.tagName === "TEXTAREA") {
          field.value = (field.value.trim() ? field.value.trim() + "\n" : "") + chosen.value;
        } else {
          field.value = chosen.value;
        }
        box.value = "";
        return;
      }
      clearTimeout(timer);
      if (!text) { return; }
      timer = setTimeout(function () {
        fetch("/staff/pick/" + kind + "/?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.results.map(function (item) {
              var option = document.createElement("option");
              option.value = item.label;
              return option;
            }));
          });
      }, 200);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(setUp);
  });
})();
