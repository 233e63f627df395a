//! E-mail and mobile push notifications sent by the plugin.

use mm_types::convert::IntoWire;
use mm_types::{PushNotification, UserId, wire};

use crate::client::ApiClient;
use crate::mode::Mode;

/// E-mail and push notifications: `client.notifications()`.
///
/// Neither call is retried once it may have reached the server, so a message is never sent
/// twice by the client.
#[derive(Debug)]
pub struct Notifications<'a, M: Mode> {
    client: &'a ApiClient<M>,
}

impl<M: Mode> ApiClient<M> {
    /// E-mail and push notifications.
    pub fn notifications(&self) -> Notifications<'_, M> {
        Notifications { client: self }
    }
}

impl<M: Mode> Notifications<'_, M> {
    /// Sends an e-mail through the server's SMTP settings (`SendMail`). The body is HTML.
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client) -> mm_client::Result<()> {
    /// client
    ///     .notifications()
    ///     .send_mail("alice@example.com", "Your report is ready", "<p>See <b>Reports</b>.</p>")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn send_mail(&self, to: &str, subject: &str, html_body: &str) -> M::Output<()> {
        let request = wire::SendMailRequest {
            to: to.to_owned(),
            subject: subject.to_owned(),
            html_body: html_body.to_owned(),
        };
        self.client.call(request, |_| Ok(()))
    }

    /// Sends a push notification to the mobile devices of a user (`SendPushNotification`).
    ///
    /// ```no_run
    /// # async fn demo(client: mm_client::Client, user: mm_types::UserId) -> mm_client::Result<()> {
    /// use mm_types::PushNotification;
    /// let push = PushNotification { message: "Build #42 failed".into(), ..Default::default() };
    /// client.notifications().send_push(&user, push).await?;
    /// # Ok(()) }
    /// ```
    pub fn send_push(&self, user_id: &UserId, notification: PushNotification) -> M::Output<()> {
        let request = wire::SendPushNotificationRequest {
            notification: Some(notification.into_wire()),
            user_id: user_id.to_string(),
        };
        self.client.call(request, |_| Ok(()))
    }
}
