//! Interactive dialogs: forms a plugin opens in a user's client.

use mm_types::convert::IntoWire;
use mm_types::{OpenDialogRequest, wire};

use crate::client::ApiClient;
use crate::mode::Mode;

/// Interactive dialogs: `client.dialogs()`.
///
/// A dialog opens in response to a user's action: a slash command or a message button gives
/// the plugin a trigger id, valid for a few seconds, which the request must carry.
#[derive(Debug)]
pub struct Dialogs<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// Interactive dialogs.
    pub fn dialogs(&self) -> Dialogs<'_, M> {
        Dialogs { client: self }
    }
}

impl<M: Mode> Dialogs<'_, M> {
    /// Opens an interactive dialog in the client of the user whose action produced the
    /// request's trigger id (`OpenInteractiveDialog`). The client submits the form to the
    /// request's URL.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, trigger_id: String) -> mm_client::Result<()> {
    /// use mm_types::{Dialog, DialogElement, OpenDialogRequest};
    /// let dialog = Dialog::new("Report a bug")
    ///     .with_callback_id("bug-report")
    ///     .with_element(DialogElement::text("title", "Title"))
    ///     .with_element(DialogElement::textarea("details", "Details").optional());
    /// let request = OpenDialogRequest::new(trigger_id, "/plugins/com.example.bugs/dialog", dialog);
    /// client.dialogs().open(request).await?;
    /// # Ok(()) }
    /// ```
    pub fn open(&self, request: OpenDialogRequest) -> M::Output<()> {
        let request = wire::OpenInteractiveDialogRequest { dialog: Some(request.into_wire()) };
        self.client.call(request, |_| Ok(()))
    }
}
