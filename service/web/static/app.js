// The review queue's keys: 1-5 pick a candidate, n marks none, s skips. Typing in a field is left alone.
document.addEventListener("keydown", function (event) {
  const form = document.getElementById("decide-form");
  if (!form || event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select") return;
  const button = form.querySelector('button[data-key="' + event.key.toLowerCase() + '"]');
  if (!button || form.dataset.sent) return;
  event.preventDefault();
  form.dataset.sent = "1"; // one decision per row, however fast the keys come
  form.requestSubmit(button);
});
