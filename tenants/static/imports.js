// Import pages: show upload progress for large files. Without script the form posts normally.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var bar = form.querySelector("progress");
  var status = form.querySelector("[data-upload-status]");
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files.length) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    bar.hidden = false;
    status.textContent = status.getAttribute("data-uploading");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");  // indeterminate while the rows are checked
      status.textContent = status.getAttribute("data-checking");
    });
    xhr.addEventListener("load", function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      if (button) button.disabled = false;
      bar.hidden = true;
      status.textContent = status.getAttribute("data-failed");
    });
    xhr.send(new FormData(form));
  });
});
