//! Interactive dialogs: forms a plugin opens in a user's client.

use mm_proto::v1 as wire;
use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::wire_struct;

/// A request to open an interactive dialog (`OpenInteractiveDialog`). An entity despite its
/// name: it travels inside the RPC's own request message.
///
/// ```
/// use mm_types::{Dialog, DialogElement, OpenDialogRequest};
/// let dialog = Dialog::new("Report a bug")
///     .with_callback_id("bug-report")
///     .with_element(DialogElement::text("title", "Title").with_placeholder("What went wrong?"))
///     .with_element(DialogElement::textarea("details", "Details").optional());
/// let request = OpenDialogRequest::new("trigger-id-from-the-command", "/plugins/com.example/dialog", dialog);
/// assert_eq!(request.dialog.unwrap().elements.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpenDialogRequest {
    /// The trigger id from the command or action that opens the dialog.
    pub trigger_id: String,
    /// Where the client submits the dialog.
    pub url: String,
    /// The dialog.
    pub dialog: Option<Dialog>,
}

impl OpenDialogRequest {
    /// A request to open `dialog`, submitted to `url`.
    pub fn new(trigger_id: impl Into<String>, url: impl Into<String>, dialog: Dialog) -> Self {
        OpenDialogRequest { trigger_id: trigger_id.into(), url: url.into(), dialog: Some(dialog) }
    }
}

wire_struct! {
    OpenDialogRequest <=> wire::OpenDialogRequest { trigger_id, url, dialog }
}

/// An interactive dialog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dialog {
    /// An id sent back on submission, to tell dialogs apart.
    pub callback_id: String,
    /// The title.
    pub title: String,
    /// Text above the elements (Markdown).
    pub introduction_text: String,
    /// The form's elements, in order.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub elements: Vec<DialogElement>,
    /// The submit button's label.
    pub submit_label: String,
    /// Whether the URL is called when the user cancels.
    pub notify_on_cancel: bool,
    /// Text sent back on submission, for the plugin's own use.
    pub state: String,
    /// The icon shown.
    pub icon_url: String,
}

impl Dialog {
    /// A dialog with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Dialog { title: title.into(), ..Default::default() }
    }

    /// Sets the callback id.
    pub fn with_callback_id(mut self, callback_id: impl Into<String>) -> Self {
        self.callback_id = callback_id.into();
        self
    }

    /// Sets the introduction text.
    pub fn with_introduction(mut self, text: impl Into<String>) -> Self {
        self.introduction_text = text.into();
        self
    }

    /// Adds an element.
    pub fn with_element(mut self, element: DialogElement) -> Self {
        self.elements.push(element);
        self
    }

    /// Sets the submit button's label.
    pub fn with_submit_label(mut self, label: impl Into<String>) -> Self {
        self.submit_label = label.into();
        self
    }

    /// Sets the state sent back on submission.
    pub fn with_state(mut self, state: impl Into<String>) -> Self {
        self.state = state.into();
        self
    }

    /// Sets the icon.
    pub fn with_icon_url(mut self, icon_url: impl Into<String>) -> Self {
        self.icon_url = icon_url.into();
        self
    }

    /// Calls the URL when the user cancels.
    pub fn notify_on_cancel(mut self) -> Self {
        self.notify_on_cancel = true;
        self
    }
}

wire_struct! {
    Dialog <=> wire::Dialog {
        callback_id, title, introduction_text, elements, submit_label, notify_on_cancel, state, icon_url,
    }
}

string_enum! {
    /// The kind of a dialog element.
    pub enum DialogElementType {
        /// A one-line text field (see `subtype`).
        Text = "text",
        /// A multi-line text field.
        Textarea = "textarea",
        /// A drop-down menu.
        Select = "select",
        /// A checkbox.
        Bool = "bool",
        /// Radio buttons.
        Radio = "radio",
        /// A date picker.
        Date = "date",
        /// A date and time picker.
        DateTime = "datetime",
    }
    default = Text;
}

/// One element of a dialog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DialogElement {
    /// The label.
    pub display_name: String,
    /// The key its value is submitted under.
    pub name: String,
    /// What kind of element it is.
    #[serde(rename = "type")]
    pub kind: DialogElementType,
    /// For text fields: `email`, `number`, `password`, `tel`, `url` (empty for plain text).
    pub subtype: String,
    /// The initial value.
    pub default: String,
    /// The placeholder text.
    pub placeholder: String,
    /// Help shown below the element.
    pub help_text: String,
    /// Whether it may be left empty.
    pub optional: bool,
    /// The shortest text accepted.
    pub min_length: i32,
    /// The longest text accepted.
    pub max_length: i32,
    /// Where a select's options come from: `users`, `channels` or `dynamic` (empty: `options`).
    pub data_source: String,
    /// The options of a select or radio element.
    #[serde(deserialize_with = "crate::json::null_as_default")]
    pub options: Vec<DialogElementOption>,
}

impl DialogElement {
    /// An element of a kind.
    pub fn new(kind: DialogElementType, name: impl Into<String>, display_name: impl Into<String>) -> Self {
        DialogElement { kind, name: name.into(), display_name: display_name.into(), ..Default::default() }
    }

    /// A one-line text field.
    pub fn text(name: impl Into<String>, display_name: impl Into<String>) -> Self {
        DialogElement::new(DialogElementType::Text, name, display_name)
    }

    /// A multi-line text field.
    pub fn textarea(name: impl Into<String>, display_name: impl Into<String>) -> Self {
        DialogElement::new(DialogElementType::Textarea, name, display_name)
    }

    /// A drop-down menu of options.
    pub fn select(
        name: impl Into<String>,
        display_name: impl Into<String>,
        options: Vec<DialogElementOption>,
    ) -> Self {
        DialogElement { options, ..DialogElement::new(DialogElementType::Select, name, display_name) }
    }

    /// A checkbox.
    pub fn checkbox(name: impl Into<String>, display_name: impl Into<String>) -> Self {
        DialogElement::new(DialogElementType::Bool, name, display_name)
    }

    /// Radio buttons.
    pub fn radio(
        name: impl Into<String>,
        display_name: impl Into<String>,
        options: Vec<DialogElementOption>,
    ) -> Self {
        DialogElement { options, ..DialogElement::new(DialogElementType::Radio, name, display_name) }
    }

    /// Lets the element be left empty.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    /// Sets the subtype of a text field.
    pub fn with_subtype(mut self, subtype: impl Into<String>) -> Self {
        self.subtype = subtype.into();
        self
    }

    /// Sets the initial value.
    pub fn with_default(mut self, default: impl Into<String>) -> Self {
        self.default = default.into();
        self
    }

    /// Sets the placeholder.
    pub fn with_placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = placeholder.into();
        self
    }

    /// Sets the help text.
    pub fn with_help_text(mut self, help_text: impl Into<String>) -> Self {
        self.help_text = help_text.into();
        self
    }

    /// Sets the accepted text length.
    pub fn with_length(mut self, min_length: i32, max_length: i32) -> Self {
        self.min_length = min_length;
        self.max_length = max_length;
        self
    }

    /// Takes a select's options from `users`, `channels` or `dynamic`.
    pub fn with_data_source(mut self, data_source: impl Into<String>) -> Self {
        self.data_source = data_source.into();
        self
    }
}

wire_struct! {
    DialogElement <=> wire::DialogElement {
        display_name, name, kind = r#type, subtype, default, placeholder, help_text, optional,
        min_length, max_length, data_source, options,
    }
}

/// An option of a select or radio element.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DialogElementOption {
    /// The text shown.
    pub text: String,
    /// The value submitted.
    pub value: String,
}

impl DialogElementOption {
    /// An option showing `text` and submitting `value`.
    pub fn new(text: impl Into<String>, value: impl Into<String>) -> Self {
        DialogElementOption { text: text.into(), value: value.into() }
    }
}

wire_struct! {
    DialogElementOption <=> wire::DialogElementOption { text, value }
}
