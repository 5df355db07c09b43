// Jiedao: the little script the pages need. No dependencies.
document.addEventListener("DOMContentLoaded", function () {
  // Sidebar toggle on phones.
  var toggle = document.querySelector("[data-nav-toggle]");
  var sidebar = document.getElementById("sidebar");
  if (toggle && sidebar) {
    toggle.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Controls that act at once (no inline handlers: the pages' CSP allows no inline script):
  // a select or checkbox with data-autosubmit sends its form, a button with data-print prints.
  document.querySelectorAll("[data-autosubmit]").forEach(function (control) {
    control.addEventListener("change", function () { control.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A checkbox with data-check-all="name" ticks or clears its form's checkboxes of that name.
  document.querySelectorAll("[data-check-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      all.form.querySelectorAll('input[type=checkbox][name="' + all.dataset.checkAll + '"]')
        .forEach(function (box) { box.checked = all.checked; });
    });
  });

  // Trees ([data-tree-toggle] in a role=treeitem): the first expand fetches the node's children
  // (an HTML fragment of list items from data-src) into its group; later ones show or hide it.
  // Without script the node's name links to its page.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest("[data-tree-toggle]") : null;
    if (!toggle) return;
    var item = toggle.closest("[role=treeitem]");
    var group = item && item.querySelector(":scope > [role=group]");
    if (!group) return;
    var open = item.getAttribute("aria-expanded") !== "true";
    function show() {
      group.hidden = !open;
      item.setAttribute("aria-expanded", open ? "true" : "false");
    }
    if (open && !group.hasAttribute("data-loaded") && window.fetch) {
      toggle.disabled = true;
      fetch(toggle.dataset.src, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { group.innerHTML = html; group.setAttribute("data-loaded", ""); show(); })
        .catch(function () { window.location = item.querySelector("a").href; })
        .finally(function () { toggle.disabled = false; });
      return;
    }
    show();
  });

  // Pickers ([data-picker], the picker macro): typing searches the field's JSON endpoint
  // (?q= → {"items": [{"id", "label"}]}) into the box's list; choosing a label puts its id in
  // the hidden input. What the box held when the page came (the chosen record) keeps its id
  // until the user types. A multiple picker ([data-multiple]) adds each choice to its list
  // instead (a hidden input and a button to take it out) and empties the box for the next.
  document.querySelectorAll("[data-picker]").forEach(function (field) {
    var box = field.querySelector("input[type=search]");
    if (!box || !window.fetch) return;
    var list = document.getElementById(box.getAttribute("list"));
    var target = document.getElementById(box.dataset.target);
    var multiple = field.hasAttribute("data-multiple");
    var name = box.dataset.target.replace(/^f-/, "");
    var found = {};
    var asked = 0;
    function choose(label) {
      var id = found[label];
      if (!multiple) { target.value = id; return; }
      var taken = Array.prototype.some.call(target.querySelectorAll("input"), function (input) {
        return input.value === id;
      });
      if (!taken) {
        var item = document.createElement("li");
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = name; hidden.value = id;
        var text = document.createElement("span");
        text.textContent = label;
        var remove = document.createElement("button");
        remove.type = "button"; remove.setAttribute("data-unpick", "");
        remove.textContent = target.dataset.remove;
        item.appendChild(hidden); item.appendChild(text);
        item.appendChild(document.createTextNode(" ")); item.appendChild(remove);
        target.appendChild(item);
      }
      box.value = "";
    }
    if (multiple) {
      target.addEventListener("click", function (event) {
        var button = event.target.closest("[data-unpick]");
        if (button) { button.closest("li").remove(); box.focus(); }
      });
    }
    box.addEventListener("input", function () {
      var text = box.value.trim();
      if (found[box.value]) { choose(box.value); return; }
      if (!multiple) target.value = "";
      if (!text) return;
      var mine = ++asked;
      fetch(box.dataset.url + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (data) {
          if (mine !== asked) return;  // an older answer arriving late
          list.innerHTML = ""; found = {};
          data.items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.label; found[item.label] = item.id; list.appendChild(option);
          });
          if (found[box.value]) choose(box.value);
        });
    });
    field.setAttribute("data-ready", "");  // listening: what is typed from now on is searched
  });

  // Uploads (form[data-upload]): a progress bar while a large file goes up, then "checking"
  // while the server reads every row; the answer replaces the page. Without script, or without
  // XMLHttpRequest, the form posts normally.
  if (!window.FormData || !window.XMLHttpRequest) return;
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    function say(key) {
      if (status) status.textContent = status.getAttribute(key) || "";
    }
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      if (bar) { bar.hidden = false; bar.value = 0; bar.max = 1; }
      say("data-uploading");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
      });
      xhr.upload.addEventListener("load", function () {
        if (bar) bar.removeAttribute("value");  // indeterminate while the rows are checked
        say("data-checking");
      });
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        if (button) button.disabled = false;
        if (bar) bar.hidden = true;
        say("data-failed");
      });
      xhr.send(new FormData(form));
    });
  });
});
