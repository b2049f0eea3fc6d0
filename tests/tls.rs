//! The hub on a hall's network: TLS with the hall's own CA on both ends of
//! the LAN face, and the public face for phones that serves only what a
//! phone needs.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_rustls::TlsConnector;
use yimen::hub::clock::ManualClock;
use yimen::hub::faces::Listen;
use yimen::tls::{Clients, TlsFiles};

use common::{KIOSK, PIN, monday_morning, sample_config};

/// A hub serving its LAN face and its public face over TLS, as a hall runs.
struct Hall {
    lan: String,
    public: String,
    files: TlsFiles,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Hall {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let files = TlsFiles::in_config(dir.path());
        make_certificates(&files, "测试大厅");
        let clock = Arc::new(ManualClock::new(monday_morning()));
        let running =
            yimen::hub::open(sample_config(), &dir.path().join("hall.db"), clock).unwrap();
        let lan = face(&files, Clients::Hall).await;
        let public = face(&files, Clients::Anyone).await;
        let urls = [&lan, &public].map(|l| format!("https://{}", l.local_addr().unwrap()));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(running.serve_faces(lan, Some(public), async {
            let _ = stopped.await;
        }));
        let [lan, public] = urls;
        Self {
            lan,
            public,
            files,
            stop: Some(stop),
            _dir: dir,
        }
    }

    /// A phone: it trusts the hall's CA (from the QR's page) but has no
    /// certificate of its own.
    fn phone(&self) -> reqwest::Client {
        common::hall_client(&self.phone_files())
    }

    /// The hall's CA without a client certificate: what a phone has.
    fn phone_files(&self) -> TlsFiles {
        TlsFiles {
            client_cert: self.files.client_cert.with_extension("absent"),
            ..self.files.clone()
        }
    }

    /// A ticket in queue A from the kiosk, over the LAN face.
    async fn issue(&self) -> Value {
        common::hall_client(&self.files)
            .post(format!("{}/api/v1/tickets", self.lan))
            .bearer_auth(KIOSK)
            .json(&json!({"queue": "A"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Hall {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn make_certificates(files: &TlsFiles, hall: &str) {
    let localhost = ["127.0.0.1".parse().unwrap()];
    yimen::tls::init(
        files,
        hall,
        &["localhost".into()],
        &localhost,
        monday_morning(),
    )
    .unwrap();
}

async fn face(files: &TlsFiles, clients: Clients) -> Listen {
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    Listen::tls(tcp, yimen::tls::server_config(files, clients).unwrap()).unwrap()
}

#[tokio::test]
async fn the_lan_face_lets_in_only_the_halls_own_pcs() {
    let hall = Hall::start().await;
    let services = format!("{}/api/v1/services", hall.lan);
    let pc = common::hall_client(&hall.files);
    assert_eq!(pc.get(&services).send().await.unwrap().status(), 200);

    // No client certificate: the handshake fails, no request is answered.
    assert!(hall.phone().get(&services).send().await.is_err());

    // Another hall's CA, on either side.
    let elsewhere = tempfile::tempdir().unwrap();
    let other = TlsFiles::in_config(elsewhere.path());
    make_certificates(&other, "别的大厅");
    let stranger = common::hall_client(&other);
    assert!(
        stranger.get(&services).send().await.is_err(),
        "a certificate from another CA is refused, and the hub's is not trusted"
    );
    let their_pc_our_ca = TlsFiles {
        ca_cert: hall.files.ca_cert.clone(),
        ..other.clone()
    };
    assert!(
        common::hall_client(&their_pc_our_ca)
            .get(&services)
            .send()
            .await
            .is_err(),
        "trusting the hub is not enough: the client's certificate is from another CA"
    );

    // Plain HTTP on the TLS port gets no answer.
    let plain = services.replacen("https", "http", 1);
    assert!(common::plain_client().get(&plain).send().await.is_err());
}

#[tokio::test]
async fn event_streams_run_over_wss() {
    let hall = Hall::start().await;
    let issued = hall.issue().await;
    let messages = replay(&hall.files, &hall.lan, Some(KIOSK)).await;
    let event = &messages[0]["event"];
    assert_eq!(event["kind"], "ticket_issued");
    assert_eq!(event["number"], issued["number"]);
}

/// Every message of the event stream at `base` up to its caught-up notice.
async fn replay(files: &TlsFiles, base: &str, secret: Option<&str>) -> Vec<Value> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let addr: SocketAddr = base.trim_start_matches("https://").parse().unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let connector = TlsConnector::from(yimen::tls::client_config(files).unwrap());
    let name = rustls_pki_types::ServerName::IpAddress(addr.ip().into());
    let tls = connector.connect(name, tcp).await.unwrap();
    let url = format!("wss://{addr}/api/v1/events?since=0");
    let mut request = url.into_client_request().unwrap();
    if let Some(secret) = secret {
        let bearer = format!("Bearer {secret}").parse().unwrap();
        request.headers_mut().insert("authorization", bearer);
    }
    let (mut socket, _) = tokio_tungstenite::client_async(request, tls).await.unwrap();
    let mut messages = Vec::new();
    while let Some(message) = socket.next().await {
        let message: Value = serde_json::from_str(message.unwrap().to_text().unwrap()).unwrap();
        if message["type"] == "caught_up" {
            return messages;
        }
        messages.push(message);
    }
    panic!("the stream ended before it caught up");
}

#[tokio::test]
async fn the_public_face_serves_a_phone_and_nothing_of_the_staffs() {
    let hall = Hall::start().await;
    let pc = common::hall_client(&hall.files);
    let lan = |path: &str| format!("{}{path}", hall.lan);
    let public = |path: &str| format!("{}{path}", hall.public);
    let doc: Value = pc
        .get(lan("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let phone = hall.phone();
    let ticket = hall.issue().await;
    let status = phone
        .get(public(&format!(
            "/api/v1/tickets/{}",
            ticket["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 200, "a phone follows its ticket");
    for page in [
        "/display".to_owned(),
        format!("/t/{}", ticket["id"].as_str().unwrap()),
        "/c".to_owned(),
        "/b".to_owned(),
        "/b/cancel".to_owned(),
        "/phone/ticket.js".to_owned(),
        "/fonts/yimen.css".to_owned(),
    ] {
        let answer = phone.get(public(&page)).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{page} is for phones");
    }

    let token = login(&pc, &hall.lan).await;
    let mut staff_routes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let for_phones = PUBLIC.contains(&(method.as_str(), path.as_str()));
            let ticket_id = ticket["id"].as_str().unwrap();
            let url = public(
                &path
                    .replace("{n}", "1")
                    .replace("{id}", ticket_id)
                    .replace("{number}", "20260302-0001")
                    .replace("{kind}", "receipt"),
            );
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let answer = phone
                .request(method.clone(), &url)
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = answer.status();
            let body = answer.text().await.unwrap();
            if for_phones {
                assert_ne!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{method} {path} is for phones"
                );
            } else {
                staff_routes += 1;
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{method} {path} on the public face"
                );
                assert!(body.contains("没有这个地址"), "{method} {path}: {body}");
            }
        }
    }
    assert!(staff_routes > 30, "the document lists the staff's routes");
}

/// The routes a phone may reach, as the OpenAPI document names them.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/api/v1/health"),
    ("get", "/api/v1/services"),
    ("get", "/api/v1/services/search"),
    ("get", "/api/v1/queues"),
    ("get", "/api/v1/tickets/{id}"),
    ("post", "/api/v1/ratings"),
    ("post", "/api/v1/case-status"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/appointments/services"),
    ("get", "/api/v1/appointments/slots"),
    ("post", "/api/v1/appointments"),
    ("post", "/api/v1/appointments/cancel"),
];

async fn login(pc: &reqwest::Client, lan: &str) -> String {
    let session: Value = pc
        .post(format!("{lan}/api/v1/sessions"))
        .json(&json!({"staff": "9001", "pin": PIN}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_staff_token_on_the_public_face_gets_the_public_stream() {
    let hall = Hall::start().await;
    let pc = common::hall_client(&hall.files);
    hall.issue().await;
    let token = login(&pc, &hall.lan).await;
    let on_lan = replay(&hall.files, &hall.lan, Some(&token)).await;
    assert!(
        on_lan[0]["event"]["ticket"].is_string(),
        "staff see the ticket's id"
    );
    let on_wifi = replay(&hall.phone_files(), &hall.public, Some(&token)).await;
    assert_eq!(on_wifi[0]["event"]["kind"], "ticket_issued");
    assert!(
        on_wifi[0]["event"].get("ticket").is_none(),
        "{}",
        on_wifi[0]
    );
    assert!(on_wifi[0].get("actor").is_none());
}

#[test]
fn off_loopback_the_hub_wants_certificates_or_an_explicit_insecure_lan() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let hub = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_yimen"))
            .args(["hub", "--listen", "0.0.0.0:0", "--config"])
            .arg(common::sample_dir())
            .arg("--db")
            .arg(dir.path().join("hall.db"))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let refused = hub(&[]).wait_with_output().unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("yimen tls init") && said.contains("--insecure-lan"),
        "{said}"
    );
    assert!(!dir.path().join("hall.db").exists(), "nothing opened");

    let mut insecure = hub(&["--insecure-lan"]);
    let lines = BufReader::new(insecure.stderr.take().unwrap()).lines();
    let mut warned = false;
    for line in lines {
        let line = line.unwrap();
        warned |= line.contains("INSECURE");
        if line.contains("hub listening on http://0.0.0.0:") {
            break;
        }
    }
    insecure.kill().unwrap();
    insecure.wait().unwrap();
    assert!(warned, "plain HTTP on the LAN is logged loudly");
}

#[tokio::test]
async fn the_apps_client_speaks_https_and_wss_with_the_halls_files() {
    use yimen::api::TicketRequest;
    use yimen::client::{Client, StreamItem};
    let hall = Hall::start().await;
    let kiosk = Client::with_tls(&hall.lan, Some(&hall.files))
        .unwrap()
        .with_credential(KIOSK);
    let request = TicketRequest {
        service: None,
        queue: Some("A".into()),
        case: None,
        priority: false,
    };
    let ticket = kiosk.issue_ticket(&request).await.unwrap();
    // A device's key follows the public view, as anyone does.
    let mut stream = kiosk.subscribe_public(0).await.unwrap();
    let Some(StreamItem::Event(first)) = stream.next().await.unwrap() else {
        panic!("the issued ticket comes first");
    };
    assert_eq!(first.seq, 1);
    let phone = Client::with_tls(&hall.public, Some(&hall.files)).unwrap();
    assert!(
        phone.catalogue().await.is_ok(),
        "the public face serves a client too"
    );

    let plain = Client::new(&hall.lan).with_credential(KIOSK);
    assert!(
        plain.issue_ticket(&request).await.is_err(),
        "without the hall's CA the hub is not trusted"
    );
    assert_eq!(ticket.number, "A001");
}

#[tokio::test]
async fn an_app_configured_for_an_https_hub_uses_the_halls_files() {
    use yimen::client::Client;
    use yimen::config::kiosk::KioskSettings;
    let hall = Hall::start().await;
    let pc = tempfile::tempdir().unwrap();
    let config = pc.path().join("kiosk-config");
    let copied = std::process::Command::new("cp")
        .arg("-r")
        .arg(common::sample_dir())
        .arg(&config)
        .status()
        .unwrap();
    assert!(copied.success());
    let kiosk_toml = config.join("kiosk.toml");
    let text = std::fs::read_to_string(&kiosk_toml).unwrap();
    let text = text.replace("http://127.0.0.1:9463", &hall.lan);
    assert!(text.contains(&hall.lan), "the sample kiosk names its hub");
    std::fs::write(&kiosk_toml, text).unwrap();

    let refused = KioskSettings::load(&config).unwrap_err().to_string();
    assert!(refused.contains("tls/ca.pem"), "{refused}");

    let tls = config.join("tls");
    std::fs::create_dir(&tls).unwrap();
    for file in [
        &hall.files.ca_cert,
        &hall.files.client_cert,
        &hall.files.client_key,
    ] {
        std::fs::copy(file, tls.join(file.file_name().unwrap())).unwrap();
    }
    let settings = KioskSettings::load(&config).unwrap();
    assert_eq!(settings.tls, Some(TlsFiles::in_config(&config)));
    let kiosk = Client::over(&settings.hub, settings.tls.as_ref()).with_credential(KIOSK);
    assert!(kiosk.catalogue().await.is_ok());
}
