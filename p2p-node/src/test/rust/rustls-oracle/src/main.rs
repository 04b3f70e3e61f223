//! Drives a rustls 0.23 QUIC handshake configured like iroh (raw Ed25519 keys both ways, ring provider),
//! exchanging handshake bytes with a test over stdin/stdout. Frames: kind u8, level u8, len u32 BE, data.
//! kinds: 0 handshake data (both ways), 1 key sample (out), 2 complete (out), 3 error (out), 4 eof (in)
use std::io::{Read, Write};
use std::sync::Arc;

use pki_types::{CertificateDer, PrivatePkcs8KeyDer, ServerName, SubjectPublicKeyInfoDer, UnixTime};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls13_signature_with_raw_key, WebPkiSupportedAlgorithms};
use rustls::quic::{self, KeyChange, Keys};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

static ED25519_ONLY: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[webpki::ring::ED25519],
    mapping: &[(SignatureScheme::ED25519, &[webpki::ring::ED25519])],
};

fn spki(pk: &[u8]) -> Vec<u8> {
    let mut v = hex("302a300506032b6570032100");
    v.extend_from_slice(pk);
    v
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[derive(Debug)]
struct Identity(Arc<rustls::sign::CertifiedKey>);

impl Identity {
    fn new(seed: &[u8]) -> Self {
        let mut pkcs8 = hex("302e020100300506032b657004220420");
        pkcs8.extend_from_slice(seed);
        let der = PrivatePkcs8KeyDer::from(pkcs8);
        let key = rustls::crypto::ring::sign::any_eddsa_type(&der).expect("ed25519 key");
        let spki = key.public_key().expect("spki").to_vec();
        Identity(Arc::new(rustls::sign::CertifiedKey::new(vec![CertificateDer::from(spki)], key)))
    }
}

impl rustls::client::ResolvesClientCert for Identity {
    fn resolve(&self, _: &[&[u8]], _: &[SignatureScheme]) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
    fn only_raw_public_keys(&self) -> bool {
        true
    }
    fn has_certs(&self) -> bool {
        true
    }
}

impl rustls::server::ResolvesServerCert for Identity {
    fn resolve(&self, _: rustls::server::ClientHello<'_>) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
    fn only_raw_public_keys(&self) -> bool {
        true
    }
}

#[derive(Debug)]
struct ExpectKey(Vec<u8>, &'static WebPkiSupportedAlgorithms);

impl ServerCertVerifier for ExpectKey {
    fn verify_server_cert(&self, ee: &CertificateDer<'_>, inter: &[CertificateDer<'_>], _: &ServerName<'_>, _: &[u8], _: UnixTime)
        -> Result<ServerCertVerified, rustls::Error> {
        if !inter.is_empty() || ee.as_ref() != self.0.as_slice() {
            return Err(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer));
        }
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(&self, _: &[u8], _: &CertificateDer<'_>, _: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::PeerIncompatible(rustls::PeerIncompatible::Tls12NotOffered))
    }
    fn verify_tls13_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature_with_raw_key(m, &SubjectPublicKeyInfoDer::from(c.as_ref()), d, self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.supported_schemes()
    }
    fn requires_raw_public_keys(&self) -> bool {
        true
    }
}

#[derive(Debug)]
struct AnyKey(&'static WebPkiSupportedAlgorithms);

impl ClientCertVerifier for AnyKey {
    fn offer_client_auth(&self) -> bool {
        true
    }
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }
    fn verify_client_cert(&self, _: &CertificateDer<'_>, inter: &[CertificateDer<'_>], _: UnixTime) -> Result<ClientCertVerified, rustls::Error> {
        if !inter.is_empty() {
            return Err(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer));
        }
        Ok(ClientCertVerified::assertion())
    }
    fn verify_tls12_signature(&self, _: &[u8], _: &CertificateDer<'_>, _: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::PeerIncompatible(rustls::PeerIncompatible::Tls12NotOffered))
    }
    fn verify_tls13_signature(&self, m: &[u8], c: &CertificateDer<'_>, d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature_with_raw_key(m, &SubjectPublicKeyInfoDer::from(c.as_ref()), d, self.0)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
    fn requires_raw_public_keys(&self) -> bool {
        true
    }
}

fn write_frame(out: &mut impl Write, kind: u8, level: u8, data: &[u8]) {
    out.write_all(&[kind, level]).unwrap();
    out.write_all(&(data.len() as u32).to_be_bytes()).unwrap();
    out.write_all(data).unwrap();
    out.flush().unwrap();
}

fn read_frame(inp: &mut impl Read) -> Option<(u8, u8, Vec<u8>)> {
    let mut h = [0u8; 6];
    if inp.read_exact(&mut h).is_err() {
        return None;
    }
    let len = u32::from_be_bytes([h[2], h[3], h[4], h[5]]) as usize;
    let mut d = vec![0u8; len];
    inp.read_exact(&mut d).ok()?;
    Some((h[0], h[1], d))
}

/// Levels as the Java enum ordinals: INITIAL 0, EARLY_DATA 1, HANDSHAKE 2, APPLICATION 3.
fn sample(out: &mut impl Write, level: u8, keys: &Keys) {
    let header = b"oracle header";
    let mut payload = format!("sample from rustls at level {level}").into_bytes();
    let tag = keys.local.packet.encrypt_in_place(1, header, &mut payload).unwrap();
    payload.extend_from_slice(tag.as_ref());
    write_frame(out, 1, level, &payload);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args[1].as_str();
    let seed = hex(&args[2]);
    let suites: Vec<rustls::SupportedCipherSuite> = rustls::crypto::ring::ALL_CIPHER_SUITES
        .iter()
        .filter(|s| s.version() == &rustls::version::TLS13)
        .cloned()
        .collect();
    let mut provider = rustls::crypto::ring::default_provider();
    provider.cipher_suites = suites;
    if std::env::var("ORACLE_P256_FIRST").is_ok() {
        // Share secp256r1 first so that a server preferring x25519 must send a HelloRetryRequest.
        provider.kx_groups.sort_by_key(|g| g.name() != rustls::NamedGroup::secp256r1);
    }
    let provider = Arc::new(provider);
    let algs: &'static WebPkiSupportedAlgorithms = if std::env::var("ORACLE_ALL_SIGS").is_ok() {
        Box::leak(Box::new(provider.signature_verification_algorithms))
    } else {
        &ED25519_ONLY
    };
    let identity = Arc::new(Identity::new(&seed));
    let params = hex(&std::env::var("ORACLE_TP").unwrap_or_else(|_| "0104800075300e0108".into()));
    let mut conn: quic::Connection = match mode {
        "client" => {
            let server_pk = hex(&args[3]);
            let name = args[4].clone();
            let mut cfg = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&[&rustls::version::TLS13])
                .unwrap()
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(ExpectKey(spki(&server_pk), algs)))
                .with_client_cert_resolver(identity.clone());
            cfg.alpn_protocols = args[5..].iter().map(|a| a.as_bytes().to_vec()).collect();
            cfg.enable_early_data = true;
            quic::Connection::Client(
                quic::ClientConnection::new(Arc::new(cfg), quic::Version::V1, ServerName::try_from(name).unwrap(), params).unwrap(),
            )
        }
        _ => {
            let mut cfg = rustls::ServerConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&[&rustls::version::TLS13])
                .unwrap()
                .with_client_cert_verifier(Arc::new(AnyKey(algs)))
                .with_cert_resolver(identity.clone());
            cfg.alpn_protocols = args[3..].iter().map(|a| a.as_bytes().to_vec()).collect();
            cfg.max_early_data_size = u32::MAX;
            quic::Connection::Server(quic::ServerConnection::new(Arc::new(cfg), quic::Version::V1, params).unwrap())
        }
    };
    let stdin = std::io::stdin();
    let mut inp = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut write_level: u8 = 0;
    loop {
        loop {
            let mut buf = Vec::new();
            let change = conn.write_hs(&mut buf);
            if !buf.is_empty() {
                write_frame(&mut out, 0, write_level, &buf);
            }
            match change {
                Some(KeyChange::Handshake { keys }) => {
                    write_level = 2;
                    sample(&mut out, 2, &keys);
                }
                Some(KeyChange::OneRtt { keys, .. }) => {
                    write_level = 3;
                    sample(&mut out, 3, &keys);
                }
                None => break,
            }
        }
        let Some((kind, _level, data)) = read_frame(&mut inp) else {
            // The test has said all it will: report where the handshake stands.
            let mut info = vec![conn.is_handshaking() as u8];
            let alpn = conn.alpn_protocol().unwrap_or(b"").to_vec();
            info.push(alpn.len() as u8);
            info.extend_from_slice(&alpn);
            info.extend_from_slice(conn.quic_transport_parameters().unwrap_or(b""));
            write_frame(&mut out, 2, 0, &info);
            return;
        };
        if kind != 0 {
            return;
        }
        if let Err(e) = conn.read_hs(&data) {
            let alert = conn.alert().map(|a| u8::from(a)).unwrap_or(0);
            write_frame(&mut out, 3, alert, format!("{e}").as_bytes());
            return;
        }
    }
}
