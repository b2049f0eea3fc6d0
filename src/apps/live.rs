//! Following the hub's event stream from an app: reconnect when it breaks,
//! resume after the last event seen, and tell the window what happened.

use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::task::JoinHandle;

use crate::client::{Client, ClientError, StreamItem};

/// How long to wait before opening the stream again.
const RECONNECT: Duration = Duration::from_millis(500);

/// Follows the stream on `runtime` until the receiver is dropped or the
/// credential is refused. The receiver gets each item, and `None` whenever
/// the connection is lost (it is then reopened after the last event seen).
pub fn follow(
    client: Client,
    runtime: &tokio::runtime::Handle,
) -> (JoinHandle<()>, UnboundedReceiver<Option<StreamItem>>) {
    let (tx, rx) = unbounded_channel();
    let task = runtime.spawn(async move {
        let mut since = 0;
        loop {
            match client.subscribe(since).await {
                Ok(mut stream) => {
                    while let Ok(Some(item)) = stream.next().await {
                        since = match &item {
                            StreamItem::Event(e) => e.seq,
                            StreamItem::CaughtUp(seq) => since.max(*seq),
                        };
                        if tx.send(Some(item)).is_err() {
                            return;
                        }
                    }
                }
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
