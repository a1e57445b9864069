//! TLS for the broker: the run's certificate authority, which signs a certificate for
//! each host the broker intercepts, and the trust the broker's own connections out use.
//!
//! The authority's key is made for the run and never leaves memory; only its
//! certificate is written, in the bundle the command is told to trust, and removed when
//! the run ends.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// The crypto provider every TLS config of the broker uses (one, named, so that feature
/// unification can never make the choice ambiguous).
pub(super) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The run's certificate authority.
pub(super) struct Authority {
    issuer: Issuer<'static, KeyPair>,
    /// One key for every host's certificate: signing a certificate is cheap, making a
    /// key is not.
    leaf_key: KeyPair,
    pem: String,
    configs: Mutex<HashMap<String, Arc<ServerConfig>>>,
}

impl Authority {
    /// A new authority, named for the run.
    pub fn new(run: &str) -> Result<Self, rcgen::Error> {
        let now = OffsetDateTime::now_utc();
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.distinguished_name.push(DnType::CommonName, format!("latchkey broker, run {run}"));
        params.not_before = now - Duration::hours(1);
        params.not_after = now + Duration::days(30);
        let cert = params.self_signed(&key)?;
        Ok(Self {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
            leaf_key: KeyPair::generate()?,
            configs: Mutex::new(HashMap::new()),
        })
    }

    /// The authority's certificate, PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// The server side of an intercepted connection to `host`: a certificate for it,
    /// made on first use, offering HTTP/2 and HTTP/1.1.
    pub fn server_config(&self, host: &str) -> Result<Arc<ServerConfig>, String> {
        let host = host.to_ascii_lowercase();
        let mut configs = self.configs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(config) = configs.get(&host) {
            return Ok(config.clone());
        }
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::new(vec![host.clone()]).map_err(|e| e.to_string())?;
        params.use_authority_key_identifier_extension = true;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.not_before = now - Duration::hours(1);
        params.not_after = now + Duration::days(7);
        let cert = params.signed_by(&self.leaf_key, &self.issuer).map_err(|e| e.to_string())?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.leaf_key.serialize_der()));
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .map_err(|e| e.to_string())?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let config = Arc::new(config);
        configs.insert(host, config.clone());
        Ok(config)
    }
}

/// The variable naming a PEM file of certificate authorities the broker trusts for its
/// connections out, besides the system's (a company's TLS-inspecting proxy; the tests'
/// fake providers).
pub const EXTRA_CA_ENV: &str = "LATCHKEY_EXTRA_CA_FILE";

/// The client side of the broker's connections out: the platform's verifier, with the
/// authorities of `LATCHKEY_EXTRA_CA_FILE` added. Verification is never turned off.
pub(super) fn client_config() -> Result<rustls::ClientConfig, String> {
    let extra = match std::env::var_os(EXTRA_CA_ENV).filter(|v| !v.is_empty()) {
        Some(path) => read_certificates(Path::new(&path))?,
        None => Vec::new(),
    };
    let provider = provider();
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
        .map_err(|e| format!("cannot load the trusted certificate authorities: {e}"))?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read {EXTRA_CA_ENV} ({}): {e}", path.display()))?
        .collect();
    certs.map_err(|e| format!("{EXTRA_CA_ENV} ({}) is not a PEM file of certificates: {e}", path.display()))
}

/// The system's bundle of trusted authorities, as PEM bytes: the file `SSL_CERT_FILE`
/// names, else the first of the usual places that exists. Empty when none does.
pub(super) fn system_bundle() -> Vec<u8> {
    system_bundle_path().and_then(|p| std::fs::read(p).ok()).unwrap_or_default()
}

/// Where the system's bundle of trusted authorities is, that a brokered command's bundle
/// starts with: `SSL_CERT_FILE`, else the first of the usual places that is not empty.
pub fn system_bundle_path() -> Option<PathBuf> {
    let named = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()).map(PathBuf::from);
    let usual = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
        "/usr/local/etc/openssl/cert.pem",
    ];
    named.into_iter().chain(usual.iter().map(PathBuf::from)).find(|p| p.metadata().is_ok_and(|m| m.len() > 0))
}
