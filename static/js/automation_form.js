// Shows only the settings of the chosen trigger and action; without JavaScript all are shown
// (the server ignores the ones that don't apply).
(function () {
  "use strict";
  var form = document.getElementById("automation-form");
  if (!form) return;

  function sync(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    var value = checked ? checked.value : "";
    form.querySelectorAll("[data-when-" + name + "]").forEach(function (node) {
      node.hidden = node.getAttribute("data-when-" + name) !== value;
    });
  }

  ["trigger", "action"].forEach(function (name) {
    sync(name);
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
      input.addEventListener("change", function () { sync(name); });
    });
  });
})();
