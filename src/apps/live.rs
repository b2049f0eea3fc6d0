//! Following the hub's event stream from an app: reconnect when it breaks,
//! resume after the last event seen, start over from the beginning when the
//! hub's log did (a new database), and tell the window what happened.

use std::future::Future;
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::api::{PublicEvent, StaffEvent};
use crate::client::{Client, ClientError, EventStream, StreamItem};

/// How long to wait before opening the stream again.
const RECONNECT: Duration = Duration::from_millis(500);

/// What the window receives: each item, and `None` whenever the connection
/// is lost (it is then reopened after the last event seen).
pub type Items<E> = UnboundedReceiver<Option<StreamItem<E>>>;

/// Follows the staff view of the stream on `runtime` until the receiver is
/// dropped or the credential is refused.
pub fn follow(
    client: Client,
    runtime: &tokio::runtime::Handle,
) -> (JoinHandle<()>, Items<StaffEvent>) {
    follow_view(client, runtime, |client, since| async move {
        client.subscribe(since).await
    })
}

/// Follows the public view of the stream, as a display wall does, until the
/// receiver is dropped.
pub fn follow_public(
    client: Client,
    runtime: &tokio::runtime::Handle,
) -> (JoinHandle<()>, Items<PublicEvent>) {
    follow_view(client, runtime, |client, since| async move {
        client.subscribe_public(since).await
    })
}

fn follow_view<E, F, Opened>(
    client: Client,
    runtime: &tokio::runtime::Handle,
    open: F,
) -> (JoinHandle<()>, Items<E>)
where
    E: DeserializeOwned + Send + 'static,
    F: Fn(Client, i64) -> Opened + Send + 'static,
    Opened: Future<Output = Result<EventStream<E>, ClientError>> + Send,
{
    let (tx, rx) = unbounded_channel();
    let task = runtime.spawn(async move {
        let mut since = 0;
        loop {
            match open(client.clone(), since).await {
                Ok(mut stream) => match relay(&mut stream, &mut since, &tx).await {
                    Relayed::Lost => {}
                    Relayed::StartOver => continue,
                    Relayed::NobodyListens => return,
                },
                Err(ClientError::Refused { .. }) => return,
                Err(_) => {}
            }
            if tx.send(None).is_err() {
                return;
            }
            tokio::time::sleep(RECONNECT).await;
        }
    });
    (task, rx)
}

/// How relaying one connection ended.
enum Relayed {
    /// The connection broke or the hub closed it.
    Lost,
    /// The hub's log ends below what was seen: read it again from 0.
    StartOver,
    /// The window has gone.
    NobodyListens,
}

/// Passes one connection's items on, keeping `since` at the last one.
async fn relay<E: DeserializeOwned>(
    stream: &mut EventStream<E>,
    since: &mut i64,
    tx: &UnboundedSender<Option<StreamItem<E>>>,
) -> Relayed {
    while let Ok(Some(item)) = stream.next().await {
        let start_over = matches!(item, StreamItem::CaughtUp(seq) if seq < *since);
        *since = if start_over { 0 } else { item.seq() };
        if tx.send(Some(item)).is_err() {
            return Relayed::NobodyListens;
        }
        if start_over {
            return Relayed::StartOver;
        }
    }
    Relayed::Lost
}
