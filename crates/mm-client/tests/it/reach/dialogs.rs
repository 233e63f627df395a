//! Reach entries: interactive dialogs.

use mm_types::convert::IntoWire;
use mm_types::{Dialog, DialogElement, DialogElementOption, OpenDialogRequest, wire};

use super::Reach;

pub async fn run(r: &mut Reach) {
    let c = r.client.clone();
    let dialog = Dialog::new("Triage")
        .with_callback_id("cb-triage")
        .with_introduction("Pick a **severity**")
        .with_element(
            DialogElement::text("summary", "Summary").with_placeholder("one line").with_length(3, 80),
        )
        .with_element(DialogElement::select(
            "severity",
            "Severity",
            vec![DialogElementOption::new("High", "sev-1"), DialogElementOption::new("Low", "sev-3")],
        ))
        .with_element(DialogElement::checkbox("page", "Page on-call").optional())
        .with_submit_label("File it")
        .with_state("state-77")
        .with_icon_url("https://example.com/icon.png")
        .notify_on_cancel();
    let request = OpenDialogRequest::new("trigger-dlg", "/plugins/com.example/dialog", dialog);
    r.check(
        "OpenInteractiveDialog",
        c.dialogs().open(request.clone()),
        wire::OpenInteractiveDialogRequest { dialog: Some(request.into_wire()) },
    )
    .await;
}
