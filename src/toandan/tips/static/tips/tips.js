// Tip form enhancement. Without this file the form works the same: the victim's-request
// question is always shown, with a note saying which tips it is for.
(function () {
  "use strict";
  var select = document.querySelector("select[name=category]");
  var block = document.querySelector("[data-victim-request]");
  if (!select || !block) { return; }
  function update() {
    var option = select.options[select.selectedIndex];
    var asks = option && option.hasAttribute("data-asks-victim-request");
    block.hidden = !asks;
  }
  select.addEventListener("change", update);
  update();
})();
