//! What the CLI prints: progress lines, supervisor events, and log lines (the host's and the
//! plugins', with their level and plugin id), all on stdout so they stay in order.

use std::fmt::{self, Write as _};
use std::io::{IsTerminal, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::supervisor::SupervisorEvent;

/// Prints the CLI's own lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    color: bool,
}

impl Printer {
    pub(crate) fn new() -> Self {
        Printer { color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() }
    }

    fn line(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        // A closed stdout (a pipe whose reader left) is not worth failing over.
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    /// A headline: `==> text`.
    pub(crate) fn step(&self, text: &str) {
        self.line(&format!("{} {}", self.paint("1;34", "==>"), self.paint("1", text)));
    }

    /// An indented line of information.
    pub(crate) fn info(&self, text: &str) {
        self.line(&format!("    {text}"));
    }

    /// A check mark line.
    pub(crate) fn ok(&self, text: &str) {
        self.line(&format!("  {} {text}", self.paint("32", "✓")));
    }

    /// A problem line.
    pub(crate) fn problem(&self, text: &str) {
        self.line(&format!("  {} {text}", self.paint("31", "✗")));
    }

    /// A supervisor event.
    pub(crate) fn event(&self, event: &SupervisorEvent) {
        let text = format!("{} {event}", self.paint("36", event.plugin_id()));
        if event.is_problem() { self.problem(&text) } else { self.ok(&text) }
    }
}

/// Formats log events as `  [source] LEVEL message key=value`, where the source is the plugin
/// id for plugin output and PluginAPI log calls, else `mm-host`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogFormat {
    pub(crate) color: bool,
}

impl<S, N> FormatEvent<S, N> for LogFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = *event.metadata().level();
        let source = fields.plugin.as_deref().unwrap_or("mm-host");
        let level_text = format!("{level:<5}");
        let level_text =
            if self.color { format!("\x1b[{}m{level_text}\x1b[0m", level_color(level)) } else { level_text };
        write!(writer, "    [{source}] {level_text} {}", fields.message)?;
        for (key, value) in &fields.rest {
            write!(writer, " {key}={value}")?;
        }
        writeln!(writer)
    }
}

fn level_color(level: Level) -> &'static str {
    match level {
        Level::ERROR => "31",
        Level::WARN => "33",
        Level::INFO => "32",
        Level::DEBUG => "34",
        Level::TRACE => "35",
    }
}

/// The fields of one event.
#[derive(Default)]
struct Fields {
    message: String,
    plugin: Option<String>,
    rest: Vec<(&'static str, String)>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message = value.to_owned(),
            "plugin" => self.plugin = Some(value.to_owned()),
            // Which pipe a plugin line came from is noise for a reader.
            "stream" => {}
            name => self.rest.push((name, value.to_owned())),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        match field.name() {
            "message" => self.message = text,
            "plugin" => self.plugin = Some(text),
            "stream" => {}
            name => self.rest.push((name, text)),
        }
    }
}

/// Installs the log output: `RUST_LOG` if set, else `info` (and `warn` for the HTTP/2 and
/// gRPC machinery).
pub(crate) fn install_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,h2=warn,hyper=warn,tower=warn,tonic=warn"));
    let color = Printer::new().color;
    // A second installation (tests calling the CLI twice in one process) keeps the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stdout)
        .event_format(LogFormat { color })
        .try_init();
}
