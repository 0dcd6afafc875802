// Netdigi staff pages: progressive enhancements; every action also works without them.
(function () {
  "use strict";

  // Put `text` into the reply box at the cursor (after what is written when the box was
  // never focused); the knowledgebase link picker (kb_links.js) uses it too.
  function insertIntoReply(box, text) {
    var start = box.selectionStart;
    var end = box.selectionEnd;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    if (document.activeElement !== box && start === 0 && end === 0 && box.value) {
      before = box.value.replace(/\s+$/, "") + "\n\n";
      after = "";
    }
    box.value = before + text + after;
    var caret = before.length + text.length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  window.netdigiInsertIntoReply = insertIntoReply;
  // Predefined replies: "Insert" puts the chosen text into the reply box at the cursor
  // (without JavaScript the button posts the form and the server adds it instead).
  document.querySelectorAll("[data-canned]").forEach(function (group) {
    var form = group.closest("form");
    var select = group.querySelector("[data-canned-select]");
    var button = group.querySelector("[data-canned-insert]");
    var box = form && form.querySelector("textarea[name=body]");
    if (!select || !button || !box) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var option = select.options[select.selectedIndex];
      var text = option ? option.dataset.body : "";
      if (!text) {
        select.focus();
        return;
      }
      insertIntoReply(box, text);
      select.selectedIndex = 0;
    });
  });
})();
