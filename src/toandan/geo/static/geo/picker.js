// Place picker enhancement: filter the list while typing. Without this file every step still
// works as a plain form submission; this only saves a round trip.
(function () {
  "use strict";
  function key(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^0-9a-z ]+/g, " ")
      .replace(/\s+/g, " ").trim();
  }
  function matches(name, wanted) {
    return wanted === "" || name.indexOf(wanted) === 0 || name.indexOf(" " + wanted) !== -1;
  }
  function enhance(box) {
    var fieldset = box.closest("[data-geo-picker]");
    var list = fieldset && fieldset.querySelector('select[data-geo-list="' + box.dataset.geoFilter + '"]');
    if (!list) { return; }
    var all = Array.prototype.slice.call(list.options).map(function (option) {
      return { option: option, key: key(option.text), fixed: option.value === "" || option.value === "unknown" };
    });
    box.addEventListener("input", function () {
      var wanted = key(box.value);
      var selected = list.value;
      var found = [];
      list.textContent = "";
      all.forEach(function (item) {
        if (item.fixed || matches(item.key, wanted)) { list.appendChild(item.option); }
        if (!item.fixed && matches(item.key, wanted)) { found.push(item.option); }
      });
      list.value = selected;
      // One match is the one meant, as when the server filters without JavaScript.
      if (wanted !== "" && found.length === 1) { list.value = found[0].value; }
      if (list.selectedIndex === -1 && list.options.length) { list.selectedIndex = 0; }
    });
    // Enter would press the host form's first button (send the whole tip): the list is
    // already filtered, so go on to it instead.
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      list.focus();
    });
  }
  document.querySelectorAll("[data-geo-filter]").forEach(enhance);
})();
