// Tip form enhancement. Without this file the form works the same: the victim's-request
// question is always shown, with a note saying which tips it is for, and files are checked
// by the server only.
(function () {
  "use strict";
  // Size, count and type of the chosen files, before a slow upload is refused. The server
  // checks again: this only saves the citizen the wait and the lost files.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var note = document.createElement("p");
    note.className = "files-dropped";
    note.setAttribute("role", "alert");
    note.hidden = true;
    input.parentNode.insertBefore(note, input.nextSibling);
    var accepted = (input.getAttribute("accept") || "").toLowerCase().split(",");
    function acceptable(file) {
      var name = file.name.toLowerCase();
      var type = (file.type || "").toLowerCase();
      return accepted.some(function (a) {
        return a !== "" && (a === type || (a.charAt(0) === "." && name.slice(-a.length) === a));
      });
    }
    input.addEventListener("change", function () {
      var maxBytes = Number(input.dataset.maxBytes);
      var maxTotal = Number(input.dataset.maxTotal);
      var maxFiles = Number(input.dataset.maxFiles);
      var files = Array.prototype.slice.call(input.files || []);
      var total = 0;
      var problems = [];
      files.forEach(function (file) {
        total += file.size;
        if (file.size > maxBytes) { problems.push(file.name + ": " + input.dataset.tooBig); }
        else if (accepted.length && !acceptable(file)) { problems.push(file.name + ": " + input.dataset.badType); }
      });
      if (files.length > maxFiles) { problems.push(input.dataset.tooMany); }
      if (total > maxTotal) { problems.push(input.dataset.tooMuch); }
      note.textContent = problems.join(" ");
      note.hidden = problems.length === 0;
      if (problems.length) { input.value = ""; }
    });
  });
})();
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
