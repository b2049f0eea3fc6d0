//! The hall's own certificate authority, and TLS for the hub and its clients.
//!
//! A hall's LAN has no public name, so the hall is its own authority:
//! `yimen tls init` makes a CA, a certificate for the hub's names and
//! addresses, and one for the hall's own PCs (kiosks, counters, the display
//! and back-office PCs), all in the configuration folder's `tls/`. The hub
//! serves TLS when `tls/server.pem` and `tls/server.key` are there. Both
//! ends check the other: every client trusts exactly `tls/ca.pem`, no other
//! authority, so a machine on the LAN that shows another certificate,
//! however valid elsewhere, is refused; and the hub's LAN face asks every
//! client for a certificate from the same CA, so a laptop plugged into the
//! hall's network cannot even start a request. The public face for phones
//! asks for none. The CA's key is needed only to issue certificates: keep
//! it off the hub once the hall is set up.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Years the hall's CA is valid.
const CA_YEARS: i32 = 10;
/// Years the hub's certificate is valid: renewed with `yimen tls init` again.
const SERVER_YEARS: i32 = 2;

/// Why the hall's certificates could not be made or loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("无法读写 {path}：{source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} 不是有效的 PEM 证书或密钥：{why}")]
    Pem { path: PathBuf, why: String },
    #[error("证书生成失败：{0}")]
    Generate(#[from] rcgen::Error),
    #[error("TLS 配置无效：{0}")]
    Config(#[from] rustls::Error),
    #[error("服务器证书至少需要一个名称或地址")]
    NoNames,
    #[error("无法建立 HTTP 客户端：{0}")]
    Client(String),
}

/// Where a hall keeps its TLS files: `tls/` in its configuration folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub ca_cert: PathBuf,
    pub ca_key: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

impl TlsFiles {
    pub fn in_config(dir: &Path) -> Self {
        let tls = dir.join("tls");
        Self {
            ca_cert: tls.join("ca.pem"),
            ca_key: tls.join("ca.key"),
            server_cert: tls.join("server.pem"),
            server_key: tls.join("server.key"),
            client_cert: tls.join("client.pem"),
            client_key: tls.join("client.key"),
        }
    }

    /// Whether the hub has what it needs to serve TLS.
    pub fn serves(&self) -> bool {
        self.server_cert.is_file() && self.server_key.is_file()
    }
}

/// The one crypto provider yimen uses, on both ends.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// An HTTP client's builder for talking to the hub: with the hall's
/// files, trusting its CA alone and showing its client certificate; without
/// them, plain HTTP (loopback, tests). Every client in yimen starts here,
/// so that one crypto provider serves them all.
///
/// # Errors
/// The hall's TLS files are missing or invalid.
pub fn http_client(files: Option<&TlsFiles>) -> Result<reqwest::ClientBuilder, TlsError> {
    // reqwest builds a TLS configuration even for plain HTTP, from the
    // process's default provider: make it ours. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = reqwest::Client::builder();
    Ok(match files {
        Some(files) => builder.use_preconfigured_tls(client_config(files)?.as_ref().clone()),
        None => builder,
    })
}

/// Makes the hall's CA if it has none, then a new certificate for the hub
/// valid for `names` (host names) and `ips`, and one for the hall's PCs,
/// both signed by the CA. Keys are written readable by their owner only.
///
/// # Errors
/// No names at all, a file cannot be read or written, or an existing CA is
/// not valid PEM.
pub fn init(
    files: &TlsFiles,
    hall: &str,
    names: &[String],
    ips: &[IpAddr],
    now: DateTime<Utc>,
) -> Result<(), TlsError> {
    if names.is_empty() && ips.is_empty() {
        return Err(TlsError::NoNames);
    }
    if let Some(dir) = files.ca_cert.parent() {
        std::fs::create_dir_all(dir).map_err(|source| io(dir, source))?;
    }
    let issuer = match files.ca_cert.is_file() && files.ca_key.is_file() {
        true => existing_ca(files)?,
        false => new_ca(files, hall, now)?,
    };
    let mut params = CertificateParams::new(names.to_vec())?;
    params
        .subject_alt_names
        .extend(ips.iter().map(|ip| SanType::IpAddress(*ip)));
    params
        .distinguished_name
        .push(DnType::CommonName, format!("{hall} 一门服务"));
    validity(&mut params, now, SERVER_YEARS);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &issuer)?;
    write(&files.server_cert, &cert.pem(), false)?;
    write(&files.server_key, &key.serialize_pem(), true)?;
    client_certificate(files, &issuer, hall, now)
}

/// The certificate the hall's PCs show the hub's LAN face.
fn client_certificate(
    files: &TlsFiles,
    issuer: &Issuer<'static, KeyPair>,
    hall: &str,
    now: DateTime<Utc>,
) -> Result<(), TlsError> {
    let mut params = CertificateParams::new(Vec::new())?;
    params
        .distinguished_name
        .push(DnType::CommonName, format!("{hall} 内网终端"));
    validity(&mut params, now, SERVER_YEARS);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, issuer)?;
    write(&files.client_cert, &cert.pem(), false)?;
    write(&files.client_key, &key.serialize_pem(), true)
}

fn new_ca(
    files: &TlsFiles,
    hall: &str,
    now: DateTime<Utc>,
) -> Result<Issuer<'static, KeyPair>, TlsError> {
    let mut params = CertificateParams::new(Vec::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params
        .distinguished_name
        .push(DnType::CommonName, format!("{hall} 内网证书颁发机构"));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut params, now, CA_YEARS);
    let key = KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    write(&files.ca_cert, &cert.pem(), false)?;
    write(&files.ca_key, &key.serialize_pem(), true)?;
    Ok(Issuer::new(params, key))
}

fn existing_ca(files: &TlsFiles) -> Result<Issuer<'static, KeyPair>, TlsError> {
    let cert = read(&files.ca_cert)?;
    let key = KeyPair::from_pem(&read(&files.ca_key)?).map_err(|e| pem(&files.ca_key, e))?;
    Issuer::from_ca_cert_pem(&cert, key).map_err(|e| pem(&files.ca_cert, e))
}

/// Which clients a face of the hub lets in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clients {
    /// Only the hall's PCs, with a certificate from the hall's CA.
    Hall,
    /// Anyone: the citizens' phones.
    Anyone,
}

/// The hub's TLS for one face: its certificate (with the CA's after it) and
/// key, and for the LAN face the demand for a hall certificate.
///
/// # Errors
/// The files are missing or not a certificate and key that belong together.
pub fn server_config(
    files: &TlsFiles,
    clients: Clients,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let mut chain = certificates(&files.server_cert)?;
    chain.extend(certificates(&files.ca_cert)?);
    let key =
        PrivateKeyDer::from_pem_file(&files.server_key).map_err(|e| pem(&files.server_key, e))?;
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?;
    let builder = match clients {
        Clients::Anyone => builder.with_no_client_auth(),
        Clients::Hall => {
            let verifier = WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots(&files.ca_cert)?),
                provider(),
            )
            .build()
            .map_err(|e| pem(&files.ca_cert, e))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A hall PC's TLS: it trusts the hall's CA and nothing else, and shows
/// the hall's client certificate when it has one.
///
/// # Errors
/// The CA file is missing or holds no certificate, or the client
/// certificate and key are not valid.
pub fn client_config(files: &TlsFiles) -> Result<Arc<rustls::ClientConfig>, TlsError> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots(&files.ca_cert)?);
    let config = match files.client_cert.is_file() {
        true => {
            let key = PrivateKeyDer::from_pem_file(&files.client_key)
                .map_err(|e| pem(&files.client_key, e))?;
            builder.with_client_auth_cert(certificates(&files.client_cert)?, key)?
        }
        false => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

fn roots(ca: &Path) -> Result<rustls::RootCertStore, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in certificates(ca)? {
        roots.add(cert)?;
    }
    Ok(roots)
}

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| pem(path, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem(path, e))?;
    if certs.is_empty() {
        return Err(pem(path, "没有证书"));
    }
    Ok(certs)
}

/// Valid from midnight UTC today for `years`.
fn validity(params: &mut CertificateParams, now: DateTime<Utc>, years: i32) {
    let month = u8::try_from(now.month()).unwrap_or(1);
    // The 28th at most: a day every month has, so no year makes it invalid.
    let day = u8::try_from(now.day().min(28)).unwrap_or(1);
    params.not_before = rcgen::date_time_ymd(now.year(), month, day);
    params.not_after = rcgen::date_time_ymd(now.year() + years, month, day);
}

fn read(path: &Path) -> Result<String, TlsError> {
    std::fs::read_to_string(path).map_err(|source| io(path, source))
}

/// Writes a PEM file; a key is readable by its owner only.
fn write(path: &Path, text: &str, secret: bool) -> Result<(), TlsError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mode = if secret { 0o600 } else { 0o644 };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .map_err(|source| io(path, source))?;
    file.write_all(text.as_bytes())
        .map_err(|source| io(path, source))
}

fn io(path: &Path, source: std::io::Error) -> TlsError {
    TlsError::Io {
        path: path.to_owned(),
        source,
    }
}

fn pem(path: &Path, why: impl std::fmt::Display) -> TlsError {
    TlsError::Pem {
        path: path.to_owned(),
        why: why.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-03-02T02:00:00Z".parse().unwrap()
    }

    #[test]
    fn init_makes_a_ca_once_and_a_server_certificate_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let files = TlsFiles::in_config(dir.path());
        let ips = ["192.168.1.10".parse().unwrap()];
        init(&files, "测试大厅", &["hub.hall.lan".into()], &ips, now()).unwrap();
        assert!(files.serves());
        let ca = std::fs::read(&files.ca_cert).unwrap();
        let first = std::fs::read(&files.server_cert).unwrap();
        init(&files, "测试大厅", &["hub2.hall.lan".into()], &[], now()).unwrap();
        assert_eq!(std::fs::read(&files.ca_cert).unwrap(), ca, "the CA is kept");
        assert_ne!(std::fs::read(&files.server_cert).unwrap(), first);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files.server_key)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key is the owner's only");
        server_config(&files, Clients::Hall).unwrap();
        server_config(&files, Clients::Anyone).unwrap();
        assert!(files.client_cert.is_file());
        client_config(&files).unwrap();
    }

    #[test]
    fn init_wants_a_name_or_an_address() {
        let dir = tempfile::tempdir().unwrap();
        let files = TlsFiles::in_config(dir.path());
        assert!(matches!(
            init(&files, "测试大厅", &[], &[], now()),
            Err(TlsError::NoNames)
        ));
    }
}
