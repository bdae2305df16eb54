/**
 * Confirm dialogs: a form with `data-confirm="question"` asks in a modal
 * `<dialog>` and, on yes, posts with `_confirm=yes` (skipping the server's
 * confirmation page, which remains the no-JavaScript path).
 *
 * @module
 */

/** Wires every `form[data-confirm]` under `root`. */
export function enhanceConfirms(root: Document): void {
  const dialog = root.createElement("dialog");
  dialog.setAttribute("aria-labelledby", "confirm-dialog-q");
  dialog.innerHTML = `<form method="dialog"><p id="confirm-dialog-q"></p>
    <div class="actions"><button value="yes" class="danger">Yes, do it</button>
    <button value="no" autofocus>Cancel</button></div></form>`;
  root.body.append(dialog);
  root.querySelectorAll<HTMLFormElement>("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const flag = form.querySelector<HTMLInputElement>('input[name="_confirm"]');
      if (!flag || flag.value === "yes") return;
      event.preventDefault();
      dialog.querySelector("p")!.textContent = form.dataset.confirm ?? "Are you sure?";
      dialog.returnValue = "";
      dialog.onclose = () => {
        if (dialog.returnValue !== "yes") return;
        flag.value = "yes";
        form.requestSubmit();
      };
      dialog.showModal();
    });
  });
}
