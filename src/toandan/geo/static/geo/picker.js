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

  // "Next: the commune": fetch the province's communes from the geo API and build the commune
  // step in place (from the page's <template>), instead of a page load. Any failure falls back
  // to the plain form submission, which works without JavaScript.
  function communeStepInPlace(next) {
    var fieldset = next.closest("[data-geo-picker]");
    var template = fieldset && fieldset.querySelector("template[data-geo-commune-step]");
    var provinces = fieldset && fieldset.querySelector('select[data-geo-list="province"]');
    if (!template || !provinces) { return; }
    next.addEventListener("click", function (event) {
      var option = provinces.options[provinces.selectedIndex];
      if (!option || !/^\d+$/.test(option.value)) { return; }  // the server says what to choose
      event.preventDefault();
      var url = "/api/v1/geo/units/" + option.value + "/children?limit=500" +
        (template.dataset.on ? "&on=" + template.dataset.on : "");
      next.disabled = true;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (page) {
          var step = template.content.cloneNode(true);
          step.querySelector("[data-geo-province-id]").value = option.value;
          var title = step.querySelector(".geo-picker__step");
          title.textContent = title.textContent.replace("@province@", option.text);
          var list = step.querySelector('select[data-geo-list="commune"]');
          page.items.filter(function (unit) { return unit.level === "commune"; })
            .map(function (unit) { return { unit: unit, key: key(unit.name) }; })
            .sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : 0; })
            .forEach(function (item) { list.appendChild(new Option(item.unit.name, String(item.unit.id))); });
          // Replace the province step (its list and buttons) by the commune step.
          Array.prototype.slice.call(fieldset.children).forEach(function (child) {
            if (child.tagName !== "LEGEND") { fieldset.removeChild(child); }
          });
          fieldset.appendChild(step);
          var box = fieldset.querySelector('[data-geo-filter="commune"]');
          box.value = "";
          enhance(box);
          box.focus();
        })
        .catch(function () {
          next.disabled = false;
          next.form.requestSubmit(next);
        });
    });
  }
  document.querySelectorAll("[data-geo-next]").forEach(communeStepInPlace);
})();
