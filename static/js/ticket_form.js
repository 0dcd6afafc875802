// Netdigi ticket forms and thread: help the customer write a ticket that gets solved
// quickly, as the guide asks. Progressive enhancement only: without this script every form
// posts as usual, and the server checks everything again.
//
// The pieces put into a form (the subject coach, the emergency question, the four
// questions, the list of chosen files, the progress bar) and their texts come from
// <template id="ticket-form-helpers"> (templates/tickets/_form_helpers.html), translated.
(function () {
  "use strict";

  var helpers = document.getElementById("ticket-form-helpers");
  var language = document.documentElement.lang || "en";
  // Uploads at least this large show a progress bar while they are sent.
  var PROGRESS_FROM_BYTES = 1024 * 1024;

  // Words that say nothing about the problem on their own: the guide's bad example
  // "Tolong Bantu", cries for help and fillers, in Indonesian and English.
  var VAGUE_WORDS = [
    "tolong", "bantu", "bantuan", "dibantu", "mohon", "please", "pls", "plz", "help", "helpp",
    "urgent", "urgently", "asap", "segera", "penting", "mendesak", "darurat", "cepat",
    "problem", "problems", "issue", "issues", "masalah", "kendala", "trouble", "error",
    "question", "pertanyaan", "tanya", "hi", "hello", "halo", "hai", "min", "kak", "gan",
    "pak", "bu", "saya", "aku", "kami", "my", "i", "me", "we", "need", "butuh", "ada",
    "the", "a", "an", "ini", "itu", "ticket", "tiket", "support", "dukungan", "sir",
  ];

  function say(name, values) {
    var template = (helpers && helpers.dataset[name]) || "";
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function piece(name) {
    var found = helpers && helpers.content.querySelector('[data-helper="' + name + '"]');
    return found ? found.cloneNode(true) : null;
  }

  function number(value, digits) {
    return new Intl.NumberFormat(language, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  }

  // The way Django's filesizeformat writes sizes, in the page's language.
  function fileSize(bytes) {
    if (bytes < 1024) {
      return say("bytes", { count: number(bytes, 0) });
    }
    if (bytes < 1024 * 1024) {
      return number(bytes / 1024, 1) + " KB";
    }
    if (bytes < 1024 * 1024 * 1024) {
      return number(bytes / (1024 * 1024), 1) + " MB";
    }
    return number(bytes / (1024 * 1024 * 1024), 1) + " GB";
  }

  function fieldBlock(control) {
    return control.closest("[id^=div_id_]") || control.parentNode;
  }

  function describe(control, element, id) {
    element.id = id;
    var ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) === -1) {
      ids.push(id);
      control.setAttribute("aria-describedby", ids.join(" "));
    }
  }

  // ---- Subject coach ------------------------------------------------------------------
  function isVague(subject) {
    var words = subject
      .toLowerCase()
      .split(/\s+/)
      .map(function (word) {
        return word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
      })
      .filter(Boolean);
    var telling = words.filter(function (word) {
      return VAGUE_WORDS.indexOf(word) === -1;
    });
    return words.length < 3 || telling.length < 2;
  }

  function subjectCoach(form, checks) {
    var subject = form.querySelector("input[name=subject]");
    var coach = piece("subject-coach");
    if (!subject || !coach) {
      return;
    }
    var service = form.querySelector("select[name=service]");
    var example = coach.querySelector("[data-coach-example]");
    var again = coach.querySelector("[data-coach-again]");
    var warnedOnSubmit = null;
    var timer = null;
    fieldBlock(subject).appendChild(coach);
    describe(subject, coach, "subject-coach");

    function domain() {
      var option = service && service.options[service.selectedIndex];
      return (option && option.dataset.domain) || say("exampleDomain");
    }

    function update() {
      var value = subject.value.trim();
      example.textContent = say("example", { domain: domain() });
      var vague = value !== "" && isVague(value);
      coach.hidden = !vague;
      if (!vague || value !== warnedOnSubmit) {
        again.hidden = true;
      }
      return vague;
    }

    subject.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
    subject.addEventListener("blur", update);
    if (service) {
      service.addEventListener("change", update);
    }
    if (subject.value.trim()) {
      update();
    }

    // Again on submit, once for a given subject: a second Submit sends it as it is.
    checks.push(function () {
      var value = subject.value.trim();
      if (!update() || value === warnedOnSubmit) {
        return true;
      }
      warnedOnSubmit = value;
      again.hidden = false;
      subject.focus();
      return false;
    });
  }

  // ---- High priority: is it an emergency? ---------------------------------------------
  function emergencyQuestion(form, checks) {
    var priority = form.querySelector("select[name=priority]");
    var panel = piece("emergency");
    if (!priority || !panel) {
      return;
    }
    var choice = panel.querySelector("[data-emergency-choice]");
    var confirmed = panel.querySelector("[data-emergency-confirmed]");
    var needed = panel.querySelector("[data-emergency-needed]");
    var yes = panel.querySelector("[data-emergency-yes]");
    var isConfirmed = false;
    confirmed.tabIndex = -1;
    fieldBlock(priority).appendChild(panel);

    function show() {
      var high = priority.value === "high";
      panel.hidden = !high;
      if (!high) {
        isConfirmed = false;
      }
      choice.hidden = isConfirmed;
      confirmed.hidden = !isConfirmed;
      if (isConfirmed || !high) {
        needed.hidden = true;
      }
    }

    priority.addEventListener("change", show);
    yes.addEventListener("click", function () {
      isConfirmed = true;
      show();
      confirmed.focus();
    });
    panel.querySelector("[data-emergency-no]").addEventListener("click", function () {
      priority.value = "medium";
      priority.dispatchEvent(new Event("change", { bubbles: true }));
      priority.focus();
    });
    show();

    checks.push(function () {
      if (priority.value !== "high" || isConfirmed) {
        return true;
      }
      show();
      needed.hidden = false;
      yes.focus();
      return false;
    });
  }

  // ---- The guide's four questions, inserted into the message box ----------------------
  function messageQuestions(form) {
    var body = form.querySelector("textarea[name=body]");
    var block = piece("questions");
    if (!body || !block) {
      return;
    }
    var button = block.querySelector("[data-insert-questions]");
    var questions = Array.prototype.map.call(
      block.querySelectorAll("[data-questions] li"),
      function (item, index) {
        return index + 1 + ". " + item.textContent.trim();
      }
    );
    body.parentNode.insertBefore(block, body);
    button.addEventListener("click", function () {
      var outline = questions.join("\n\n\n") + "\n";
      var written = body.value.replace(/\s+$/, "");
      body.value = written ? written + "\n\n" + outline : outline;
      // The caret goes to the answer of the first question.
      var caret = (written ? written.length + 2 : 0) + questions[0].length + 1;
      body.focus();
      body.setSelectionRange(caret, caret);
      body.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // ---- Chosen files: listed, sized, refused before the upload -------------------------
  function attachmentList(form, checks) {
    var input = form.querySelector("input[type=file][name=attachments]");
    var block = piece("attachments");
    var itemPiece = piece("attachment-item");
    if (!input || !block || !itemPiece) {
      return null;
    }
    var list = block.querySelector("[data-attachment-list]");
    var blocked = block.querySelector("[data-attachments-blocked]");
    var maxBytes = Number(input.dataset.maxBytes) || Infinity;
    var maxFiles = Number(input.dataset.maxFiles) || Infinity;
    var allowed = (input.getAttribute("accept") || "")
      .split(",")
      .map(function (extension) {
        return extension.trim().toLowerCase();
      })
      .filter(Boolean);
    fieldBlock(input).appendChild(block);
    describe(input, list, input.id + "-chosen");

    function refusal(file, index) {
      var dot = file.name.lastIndexOf(".");
      var extension = dot > 0 ? file.name.slice(dot).toLowerCase() : "";
      if (allowed.length && allowed.indexOf(extension) === -1) {
        return say("wrongType", { types: allowed.join(" ") });
      }
      if (file.size > maxBytes) {
        return say("tooBig", { size: fileSize(maxBytes) });
      }
      if (file.size === 0) {
        return say("empty");
      }
      if (index >= maxFiles) {
        return say("tooMany", { count: number(maxFiles, 0) });
      }
      return "";
    }

    function remove(index) {
      var kept = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (file, i) {
        if (i !== index) {
          kept.items.add(file);
        }
      });
      input.files = kept.files;
      render();
      input.focus();
    }

    function render() {
      list.replaceChildren();
      var refused = 0;
      Array.prototype.forEach.call(input.files, function (file, index) {
        var item = itemPiece.cloneNode(true);
        var reason = refusal(file, index);
        var status = item.querySelector("[data-status]");
        var why = item.querySelector("[data-reason]");
        var button = item.querySelector("[data-remove]");
        item.querySelector("[data-name]").textContent = file.name;
        item.querySelector("[data-size]").textContent = fileSize(file.size);
        status.textContent = reason ? say("refused") : say("ready");
        status.classList.add(reason ? "text-bg-danger" : "text-bg-success");
        if (reason) {
          refused += 1;
          item.classList.add("list-group-item-danger");
          item.dataset.refused = "";
          why.textContent = reason;
          why.hidden = false;
        }
        button.setAttribute("aria-label", say("remove", { name: file.name }));
        button.addEventListener("click", function () {
          remove(index);
        });
        list.appendChild(item);
      });
      if (!refused) {
        blocked.hidden = true;
      }
      return refused;
    }

    input.addEventListener("change", render);
    render();

    checks.push(function () {
      if (!render()) {
        return true;
      }
      blocked.hidden = false;
      var first = list.querySelector("[data-refused] [data-remove]");
      if (first) {
        first.focus();
      }
      return false;
    });
    return input;
  }

  // ---- Large uploads: sent with a progress bar ----------------------------------------
  function chosenBytes(input) {
    return Array.prototype.reduce.call(
      (input && input.files) || [],
      function (sum, file) {
        return sum + file.size;
      },
      0
    );
  }

  function lockButtons(form) {
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
    });
  }

  function showPage(html, url) {
    // The answer is the page the browser would have shown: the ticket after the redirect,
    // or the form with its errors. It replaces this one, at its own address.
    if (url && url !== window.location.href) {
      window.history.replaceState(null, "", url);
    }
    document.open();
    document.write(html);
    document.close();
  }

  function sendWithProgress(form, submitter, input) {
    var progress = piece("progress");
    var bar = progress.querySelector("[data-progress-bar]");
    var meter = progress.querySelector("[role=progressbar]");
    var label = progress.querySelector("[data-progress-text]");
    var total = chosenBytes(input);
    var percent = new Intl.NumberFormat(language, { style: "percent" });
    var data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch (error) {
      data = new FormData(form);
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      }
    }
    form.appendChild(progress);
    progress.hidden = false;

    function show(sent, size) {
      var share = size ? Math.min(sent / size, 1) : 0;
      bar.style.width = share * 100 + "%";
      meter.setAttribute("aria-valuenow", String(Math.round(share * 100)));
      label.textContent = say("uploading", {
        done: fileSize(Math.round(share * total)),
        total: fileSize(total),
        percent: percent.format(share),
      });
    }

    function fallBack() {
      // Something failed on the way: send the form the ordinary way (the submission
      // token makes sure a ticket that did arrive is not opened twice).
      label.textContent = say("uploadFailed");
      HTMLFormElement.prototype.submit.call(form);
    }

    var request = new XMLHttpRequest();
    // getAttribute: a control named "action" would hide the form's own property.
    request.open("POST", form.getAttribute("action") || window.location.href);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        show(event.loaded, event.total);
      }
    });
    request.upload.addEventListener("load", function () {
      show(1, 1);
      label.textContent = say("uploaded");
    });
    request.addEventListener("load", function () {
      if (!request.status || !request.responseText) {
        fallBack();
        return;
      }
      showPage(request.responseText, request.responseURL);
    });
    request.addEventListener("error", fallBack);
    request.addEventListener("timeout", fallBack);
    show(0, 1);
    request.send(data);
  }

  // ---- Wiring: each form's checks run before its submit ------------------------------
  var forms = [];
  document.querySelectorAll("form[data-ticket-form]").forEach(function (form) {
    if (!helpers) {
      return;
    }
    var checks = [];
    subjectCoach(form, checks);
    emergencyQuestion(form, checks);
    messageQuestions(form);
    var input = attachmentList(form, checks);
    forms.push({ form: form, checks: checks, input: input });
  });

  // Captured on the document, so it runs before app.js's submit-once handler on the form:
  // a submit held back here is not counted as sent.
  document.addEventListener(
    "submit",
    function (event) {
      var entry = forms.find(function (candidate) {
        return candidate.form === event.target;
      });
      if (!entry || entry.form.dataset.submitted === "1") {
        return;
      }
      var passed = entry.checks.every(function (check) {
        return check();
      });
      if (!passed) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      if (
        window.XMLHttpRequest &&
        window.FormData &&
        chosenBytes(entry.input) >= PROGRESS_FROM_BYTES &&
        piece("progress")
      ) {
        event.preventDefault();
        event.stopImmediatePropagation();
        lockButtons(entry.form);
        sendWithProgress(entry.form, event.submitter, entry.input);
      }
    },
    true
  );

  // ---- Thumbnails: the larger picture in a dialog -------------------------------------
  var preview = document.getElementById("attachment-preview");
  if (preview) {
    preview.addEventListener("show.bs.modal", function (event) {
      var link = event.relatedTarget;
      if (!link) {
        return;
      }
      var name = link.dataset.previewName || "";
      var picture = document.createElement("img");
      picture.className = "img-fluid attachment-full";
      picture.alt = name;
      picture.src = link.getAttribute("href");
      preview.querySelector("[data-preview-body]").replaceChildren(picture);
      preview.querySelector(".modal-title").textContent = name;
      preview.querySelector("[data-preview-original]").href = link.getAttribute("href");
    });
  }
})();
