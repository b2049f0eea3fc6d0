//! Where the hub listens: its LAN face for the hall's own PCs and, when
//! asked, a public face for the citizens' phones on the hall's Wi-Fi. Each
//! face serves plain HTTP (loopback and tests) or TLS; the public face
//! serves only the routes a phone needs, and ignores any credential.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Handshakes in progress at once: a flood of half-open connections waits
/// here instead of taking the hub's memory.
const HANDSHAKES: usize = 256;
/// A client that has not finished its handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Finished handshakes waiting for the server to take them.
const ACCEPTED_DEPTH: usize = 64;

/// A listening socket, and how it speaks.
pub enum Listen {
    /// Plain HTTP: loopback, tests, and `--insecure-lan`.
    Plain(TcpListener),
    /// HTTPS and WSS.
    Tls(TlsListener),
}

impl Listen {
    /// Serves TLS on `tcp` with `config`.
    ///
    /// # Errors
    /// The socket has no local address.
    pub fn tls(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> std::io::Result<Self> {
        TlsListener::new(tcp, config).map(Self::Tls)
    }

    /// The address it listens on.
    ///
    /// # Errors
    /// The socket has no local address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        match self {
            Self::Plain(tcp) => tcp.local_addr(),
            Self::Tls(tls) => Ok(tls.local),
        }
    }

    /// The URL scheme clients use for it.
    pub fn scheme(&self) -> &'static str {
        match self {
            Self::Plain(_) => "http",
            Self::Tls(_) => "https",
        }
    }
}

/// Serves `app` on `listen` until `stop` turns true, with each request
/// knowing its client's address.
pub(super) async fn serve(
    listen: Listen,
    app: Router,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let shutdown = async move {
        let _ = stop.wait_for(|stopping| *stopping).await;
    };
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    match listen {
        Listen::Plain(tcp) => axum::serve(tcp, app).with_graceful_shutdown(shutdown).await,
        Listen::Tls(tls) => {
            axum::serve(tls.tap_io(|_| {}), app)
                .with_graceful_shutdown(shutdown)
                .await
        }
    }
}

/// A TCP listener whose connections come out with their TLS handshake
/// done. Handshakes run side by side, each bounded in time, so one slow or
/// hostile client delays nobody else.
pub struct TlsListener {
    local: SocketAddr,
    accepted: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (done, accepted) = mpsc::channel(ACCEPTED_DEPTH);
        tokio::spawn(handshake_all(tcp, TlsAcceptor::from(config), done));
        Ok(Self { local, accepted })
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.accepted.recv().await {
            Some(connection) => connection,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Accepts connections and shakes hands with each on its own task, until
/// the listener is dropped.
async fn handshake_all(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    done: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    let slots = Arc::new(Semaphore::new(HANDSHAKES));
    loop {
        let accepted = tokio::select! {
            () = done.closed() => return,
            accepted = tcp.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(connection) => connection,
            Err(e) => {
                // Out of descriptors and the like: wait for some to close,
                // as axum's own listener does.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (acceptor, done) = (acceptor.clone(), done.clone());
        tokio::spawn(async move {
            let _slot = slot;
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = done.send((tls, peer)).await;
                }
                Ok(Err(e)) => tracing::info!(%peer, error = %e, "TLS handshake refused"),
                Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
            }
        });
    }
}
