//! The archive's signing keys: a key pair made from the system's randomness and written as
//! two PEM files (`pingyi keygen`), the reading of either file back with a Chinese message for
//! each way it can be wrong, and a public key's fingerprint. What is signed, and how a
//! signature is checked, is `sign.rs`'s.
//!
//! The algorithm is SM2 with SM3 (GB/T 32918, GM/T 0003; what GB/T 38540 expects of an
//! electronic record's signature), through RustCrypto's `sm2` 0.14, with the default
//! distinguishing identifier `1234567812345678` (GM/T 0009). The crate was chosen after these
//! checks, kept as tests: `tests/archive_sign.rs` (OpenSSL 3.0's `genpkey`/`pkeyutl` read our
//! PKCS#8 and SPKI files and verify our signatures; we read OpenSSL's keys and verify its
//! signatures; a changed message or another key fails both ways) and the tests below (the
//! recommended-curve signature example of GM/T 0003.5-2012: its public key, Z_A, e and (r, s);
//! malformed and out-of-range signatures refused without a panic). Ed25519 was the fallback
//! had any of these failed.

use std::io::Write;
use std::path::{Path, PathBuf};

use sm2::pkcs8::der::Decode;
use sm2::pkcs8::der::pem::{self, LineEnding};
use sm2::pkcs8::der::zeroize::Zeroizing;
use sm2::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, ObjectIdentifier,
    PrivateKeyInfoRef, SubjectPublicKeyInfoRef,
};
use sm3::Digest;

pub(super) use crate::bundle::hex;
use crate::diagnostic::Diagnostic;

/// The private key's file name in the folder `pingyi keygen` writes.
pub const PRIVATE_KEY_FILE: &str = "pingyi-archive.key";
/// The public key's file name beside it.
pub const PUBLIC_KEY_FILE: &str = "pingyi-archive.pub";
/// The distinguishing identifier of every signature: the default of GM/T 0009, which
/// OpenSSL's `-pkeyopt distid:` and other tools are told explicitly.
pub const DISTINGUISHING_ID: &str = "1234567812345678";

/// id-ecPublicKey with the SM2 curve: how OpenSSL and GmSSL label an SM2 key.
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SM2_CURVE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.301");

/// The key that signs archive bundles.
#[derive(Clone)]
pub struct SigningKey {
    pub(super) inner: sm2::dsa::SigningKey,
}

/// The key a signature is checked with.
#[derive(Clone, Debug)]
pub struct PublicKey {
    pub(super) inner: sm2::dsa::VerifyingKey,
    fingerprint: Fingerprint,
}

/// A public key's fingerprint: the SM3 digest of its SubjectPublicKeyInfo (DER), as
/// `openssl pkey -pubin -outform DER | openssl dgst -sm3` prints it. Shown in groups of four
/// so it can be read aloud and compared with the one registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    fn of(spki_der: &[u8]) -> Fingerprint {
        Fingerprint(sm3::Sm3::digest(spki_der).into())
    }

    /// The 64 lower-case hex digits, ungrouped: how `manifest.sig` records it.
    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    /// Reads [`Fingerprint::hex`] back, grouped or not.
    pub fn parse(s: &str) -> Option<Fingerprint> {
        let digits: String = s.chars().filter(|c| *c != ' ').collect();
        unhex(&digits)?.try_into().ok().map(Fingerprint)
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex = self.hex();
        let groups: Vec<&str> = (0..hex.len()).step_by(4).map(|i| &hex[i..i + 4]).collect();
        f.write_str(&groups.join(" "))
    }
}

impl SigningKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<SigningKey, String> {
        use sm2::elliptic_curve::Generate;
        let secret =
            sm2::SecretKey::try_generate().map_err(|e| format!("无法从操作系统取得随机数: {e}"))?;
        let inner = sm2::dsa::SigningKey::new(DISTINGUISHING_ID, &secret)
            .map_err(|_| "无法由随机数生成 SM2 密钥".to_string())?;
        Ok(SigningKey { inner })
    }

    /// Reads the private key at `path` (PKCS#8 PEM, `-----BEGIN PRIVATE KEY-----`).
    pub fn read(path: &Path) -> Result<SigningKey, Diagnostic> {
        let text = read_key_file(path, "签名私钥")?;
        SigningKey::parse(&text).map_err(|(msg, hint)| Diagnostic::error(path, msg).with_hint(hint))
    }

    /// A private key from the text of its file: an error and a hint when it is not one.
    pub fn parse(text: &str) -> Result<SigningKey, (String, String)> {
        let (label, der) = decode_pem(text, "私钥")?;
        let der = Zeroizing::new(der);
        match label.as_str() {
            "PRIVATE KEY" => {}
            "PUBLIC KEY" => {
                return Err((
                    "这是公钥,不是私钥".into(),
                    format!(
                        "签名要用私钥({PRIVATE_KEY_FILE});公钥({PUBLIC_KEY_FILE})用于 pingyi verify --key"
                    ),
                ));
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err((
                    "这是加了口令的私钥,pingyi 读不了".into(),
                    "在保管私钥的机器上解密后再用:openssl pkey -in 加密的私钥 -out pingyi-archive.key".into(),
                ));
            }
            other => return Err(wrong_label(other, "PRIVATE KEY")),
        }
        let info = PrivateKeyInfoRef::from_der(&der).map_err(|e| unreadable(&e))?;
        check_algorithm(info.algorithm.oids())?;
        let secret = sm2::SecretKey::from_pkcs8_der(&der).map_err(|e| unreadable(&e))?;
        let inner =
            sm2::dsa::SigningKey::new(DISTINGUISHING_ID, &secret).map_err(|e| unreadable(&e))?;
        Ok(SigningKey { inner })
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::new(self.inner.verifying_key().clone())
    }

    /// The private key file's text.
    fn to_pem(&self) -> Result<Zeroizing<String>, String> {
        let secret = sm2::SecretKey::from(self.inner.as_nonzero_scalar());
        secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| format!("无法编码私钥: {e}"))
    }
}

impl std::fmt::Debug for SigningKey {
    /// The public half only: a secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("fingerprint", &self.public_key().fingerprint)
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    fn new(inner: sm2::dsa::VerifyingKey) -> PublicKey {
        // Of the key re-encoded, not of the file's bytes: the same key always has the same
        // fingerprint, however another tool wrote it.
        let der = sm2::PublicKey::from(&inner)
            .to_public_key_der()
            .expect("a point on the curve always encodes");
        PublicKey {
            inner,
            fingerprint: Fingerprint::of(der.as_bytes()),
        }
    }

    /// Reads the public key at `path` (SPKI PEM, `-----BEGIN PUBLIC KEY-----`).
    pub fn read(path: &Path) -> Result<PublicKey, Diagnostic> {
        let text = read_key_file(path, "公钥")?;
        PublicKey::parse(&text).map_err(|(msg, hint)| Diagnostic::error(path, msg).with_hint(hint))
    }

    /// A public key from the text of its file: an error and a hint when it is not one.
    pub fn parse(text: &str) -> Result<PublicKey, (String, String)> {
        let (label, der) = decode_pem(text, "公钥")?;
        match label.as_str() {
            "PUBLIC KEY" => {}
            "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" | "EC PRIVATE KEY" => {
                return Err((
                    "这是私钥,不是公钥".into(),
                    format!("核验只用公钥({PUBLIC_KEY_FILE});私钥不应离开保管它的机器"),
                ));
            }
            other => return Err(wrong_label(other, "PUBLIC KEY")),
        }
        let info = SubjectPublicKeyInfoRef::from_der(&der).map_err(|e| unreadable(&e))?;
        check_algorithm(info.algorithm.oids())?;
        let key = sm2::PublicKey::from_public_key_der(&der).map_err(|e| unreadable(&e))?;
        let inner =
            sm2::dsa::VerifyingKey::new(DISTINGUISHING_ID, key).map_err(|e| unreadable(&e))?;
        Ok(PublicKey::new(inner))
    }

    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// The public key file's text.
    fn to_pem(&self) -> Result<String, String> {
        sm2::PublicKey::from(&self.inner)
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| format!("无法编码公钥: {e}"))
    }
}

/// What `pingyi keygen` wrote.
#[derive(Debug)]
pub struct KeyFiles {
    pub private: PathBuf,
    pub public: PathBuf,
    pub fingerprint: Fingerprint,
}

/// Makes a key pair and writes it into `dir` (created if need be) as [`PRIVATE_KEY_FILE`]
/// (on unix readable by its owner alone) and [`PUBLIC_KEY_FILE`]. An existing key is never
/// overwritten: what it signed could no longer be checked.
pub fn write_key_pair(dir: &Path) -> Result<KeyFiles, Diagnostic> {
    let private = dir.join(PRIVATE_KEY_FILE);
    let public = dir.join(PUBLIC_KEY_FILE);
    for path in [&private, &public] {
        if path.exists() || path.is_symlink() {
            return Err(already_there(path));
        }
    }
    create_dir(dir).map_err(|e| Diagnostic::error(dir, format!("无法创建目录: {e}")))?;
    let key = SigningKey::generate().map_err(|e| Diagnostic::error(dir, e))?;
    let key_pem = key.to_pem().map_err(|e| Diagnostic::error(&private, e))?;
    let pub_key = key.public_key();
    let pub_pem = pub_key
        .to_pem()
        .map_err(|e| Diagnostic::error(&public, e))?;

    write_new(&private, key_pem.as_bytes(), 0o600)?;
    if let Err(e) = write_new(&public, pub_pem.as_bytes(), 0o644) {
        // Half a pair is no pair: the private key goes too, so the next try starts clean.
        let _ = std::fs::remove_file(&private);
        return Err(e);
    }
    Ok(KeyFiles {
        private,
        public,
        fingerprint: pub_key.fingerprint,
    })
}

fn already_there(path: &Path) -> Diagnostic {
    Diagnostic::error(path, "已存在:pingyi 不会覆盖已有的密钥").with_hint(
        "覆盖后,用旧密钥签名的归档包就无法再核验。如确要换一对新密钥,请写到另一个目录,并登记新的指纹",
    )
}

/// The key folder; one pingyi creates is its owner's alone on unix.
fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes a file that must not exist yet (`create_new`: no race with another writer, no
/// following a link planted there), with `mode` on unix.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Diagnostic> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            already_there(path)
        } else {
            Diagnostic::error(path, format!("无法创建: {e}"))
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Diagnostic::error(path, format!("无法写入: {e}")))
}

/// The text of a key file, kept from lingering in memory once read.
fn read_key_file(path: &Path, what: &str) -> Result<Zeroizing<String>, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(path, format!("无法读取{what}文件: {e}")))?;
    String::from_utf8(bytes).map(Zeroizing::new).map_err(|e| {
        drop(Zeroizing::new(e.into_bytes()));
        Diagnostic::error(path, format!("不是 PEM 格式的{what}(文件不是文本)"))
            .with_hint(pem_hint(what))
    })
}

fn pem_hint(what: &str) -> String {
    format!(
        "{what}文件是以 -----BEGIN 开头的几行文本;请用 pingyi keygen 生成的 {}",
        if what == "公钥" {
            PUBLIC_KEY_FILE
        } else {
            PRIVATE_KEY_FILE
        }
    )
}

/// A PEM file's label and content. Text before `-----BEGIN` (OpenSSL's "Bag Attributes", a
/// note) is passed over.
fn decode_pem(text: &str, what: &str) -> Result<(String, Vec<u8>), (String, String)> {
    let not_pem = || (format!("不是 PEM 格式的{what}"), pem_hint(what));
    let start = text.find("-----BEGIN ").ok_or_else(not_pem)?;
    let (label, der) = pem::decode_vec(text[start..].trim_end().as_bytes())
        .map_err(|e| (format!("不是有效的 PEM 格式的{what}: {e}"), pem_hint(what)))?;
    Ok((label.to_string(), der))
}

fn wrong_label(label: &str, wanted: &str) -> (String, String) {
    (
        format!("PEM 的类型是 `{label}`,应为 `{wanted}`"),
        match label {
            "EC PRIVATE KEY" => "这是 SEC1 格式的私钥;转换为 PKCS#8:openssl pkcs8 -topk8 -nocrypt -in 原私钥 -out pingyi-archive.key".into(),
            "CERTIFICATE" => "这是证书;取出其中的公钥:openssl x509 -in 证书 -pubkey -noout > pingyi-archive.pub".into(),
            _ => "请用 pingyi keygen 生成的密钥文件".into(),
        },
    )
}

fn unreadable(e: &dyn std::fmt::Display) -> (String, String) {
    (
        format!("密钥数据无法解析: {e}"),
        "文件可能不完整或被改动过;请用 pingyi keygen 生成的密钥文件".into(),
    )
}

/// SM2 or a clear word of what the key is instead.
fn check_algorithm(
    oids: Result<(ObjectIdentifier, Option<ObjectIdentifier>), impl std::fmt::Display>,
) -> Result<(), (String, String)> {
    let (alg, param) = oids.map_err(|e| unreadable(&e))?;
    if alg == EC_PUBLIC_KEY && param == Some(SM2_CURVE) {
        return Ok(());
    }
    let name = match (
        alg.to_string().as_str(),
        param.map(|p| p.to_string()).as_deref(),
    ) {
        ("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")) => "ECDSA P-256".to_string(),
        ("1.2.840.10045.2.1", Some("1.3.132.0.34")) => "ECDSA P-384".to_string(),
        ("1.2.840.10045.2.1", Some("1.3.132.0.35")) => "ECDSA P-521".to_string(),
        ("1.2.840.10045.2.1", Some(curve)) => format!("椭圆曲线 {curve}"),
        ("1.2.840.113549.1.1.1", _) => "RSA".to_string(),
        ("1.3.101.112", _) => "Ed25519".to_string(),
        ("1.3.101.113", _) => "Ed448".to_string(),
        ("1.2.156.10197.1.301", _) => "SM2(但以 SM2 算法标识编码,不是 OpenSSL 的格式)".to_string(),
        (other, _) => format!("算法标识 {other}"),
    };
    Err((
        format!("密钥的算法是 {name},pingyi 只用 SM2 签名"),
        "请用 pingyi keygen 生成密钥,或 openssl genpkey -algorithm SM2".into(),
    ))
}

/// Hex digits back to bytes; `None` for anything else.
pub(super) fn unhex(s: &str) -> Option<Vec<u8>> {
    // `from_str_radix` alone would take a sign: "+f".
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sm2::dsa::Signature;
    use sm2::dsa::signature::hazmat::PrehashVerifier;
    use sm2::dsa::signature::{Signer, Verifier};

    fn bytes(hex: &str) -> Vec<u8> {
        unhex(&hex.to_lowercase()).unwrap()
    }

    /// The signature example of GM/T 0003.5-2012 on the recommended curve (ID
    /// 1234567812345678, M = "message digest"): the public key, e = SM3(Z_A ‖ M) and (r, s).
    #[test]
    fn the_published_sm2_example_verifies_and_nothing_else_does() {
        let d = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
        let x = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020";
        let y = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
        let e = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640";
        let r = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3";
        let s = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";
        let key = sm2::dsa::SigningKey::from_slice(DISTINGUISHING_ID, &bytes(d)).unwrap();
        let public = key.verifying_key();
        assert_eq!(public.to_sec1_bytes().to_vec(), bytes(&format!("04{x}{y}")));

        let signature = Signature::from_slice(&bytes(&format!("{r}{s}"))).unwrap();
        let message = b"message digest";
        assert!(public.verify(message, &signature).is_ok());
        assert!(public.verify_prehash(&bytes(e), &signature).is_ok());
        assert!(public.verify(b"message digesT", &signature).is_err());
        let other_id = sm2::dsa::VerifyingKey::new("1234567812345679", public.into()).unwrap();
        assert!(other_id.verify(message, &signature).is_err());

        // Ours, of the same message: deterministic, and verifies.
        let ours: Signature = key.try_sign(message).unwrap();
        assert_eq!(ours, key.try_sign(message).unwrap());
        assert!(public.verify(message, &ours).is_ok());
    }

    /// A signature is read from a file anyone can edit: out-of-range scalars, every one-byte
    /// change and every truncation of a good DER signature are refused, never a panic.
    #[test]
    fn malformed_signatures_are_refused_without_a_panic() {
        let n = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123";
        let max = "FF".repeat(32);
        let zero = "00".repeat(32);
        let one = format!("{}01", "00".repeat(31));
        for (r, s) in [
            (&zero, &one),
            (&one, &zero),
            (&n.to_string(), &one),
            (&one, &max),
        ] {
            assert!(Signature::from_slice(&bytes(&format!("{r}{s}"))).is_err());
        }
        // DER of r = n, s = 1.
        let der = bytes(&format!("3026022100{n}020101"));
        assert!(Signature::from_der(&der).is_err());

        let key = SigningKey::generate().unwrap();
        let message = b"manifest";
        let good: Signature = key.inner.try_sign(message).unwrap();
        let good = good.to_der().as_bytes().to_vec();
        let public = key.public_key();
        for i in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= flip;
                if let Ok(sig) = Signature::from_der(&bad) {
                    assert!(public.inner.verify(message, &sig).is_err(), "byte {i}");
                }
            }
            assert!(Signature::from_der(&good[..i]).is_err());
        }
        let mut long = good.clone();
        long.push(0);
        assert!(Signature::from_der(&long).is_err());
    }

    #[test]
    fn keys_read_back_as_written() {
        let key = SigningKey::generate().unwrap();
        let pem = key.to_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let again = SigningKey::parse(&pem).unwrap();
        assert_eq!(again.public_key().fingerprint, key.public_key().fingerprint);

        let public = key.public_key().to_pem().unwrap();
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let read = PublicKey::parse(&public).unwrap();
        assert_eq!(read.fingerprint, key.public_key().fingerprint);
        // Windows line ends, and what OpenSSL puts before a key exported from a .p12.
        let crlf = format!(
            "Bag Attributes\n    localKeyID: 01\n{}",
            public.replace('\n', "\r\n")
        );
        assert_eq!(
            PublicKey::parse(&crlf).unwrap().fingerprint,
            read.fingerprint
        );
    }

    const ED25519_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFthUml+GIrQNs03a8frz7BjqSdOXCEl73L75SxmEoBd
-----END PRIVATE KEY-----
";
    const ED25519_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAXjLnk4uFrZTRG9hYiAJssWXg9yrtxNWz7LKubDXg1rA=
-----END PUBLIC KEY-----
";
    const P256_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgUPQCuFRPruGiOxDq
xs1UQ6Di9cFSnXaog9olethIttKhRANCAASyfgFYP7RyQQCcUBrBG+h+Sa2aAcEx
6wEdgDSqspwniLo5Ti/6K7u7s/cka4hI1ImCJcYc/eDCph888dqs95AT
-----END PRIVATE KEY-----
";

    #[test]
    fn a_wrong_key_file_says_what_it_is() {
        let private_error = |text: &str| SigningKey::parse(text).unwrap_err().0;
        let public_error = |text: &str| PublicKey::parse(text).unwrap_err().0;
        let key = SigningKey::generate().unwrap();
        let (private, public) = (key.to_pem().unwrap(), key.public_key().to_pem().unwrap());

        assert!(private_error("密钥").contains("不是 PEM 格式的私钥"));
        assert!(private_error(&public).contains("这是公钥"));
        assert!(public_error(&private).contains("这是私钥"));
        assert!(private_error(ED25519_PRIVATE).contains("Ed25519"));
        assert!(public_error(ED25519_PUBLIC).contains("Ed25519"));
        assert!(private_error(P256_PRIVATE).contains("ECDSA P-256"));
        let sec1 = private.replace("PRIVATE KEY", "EC PRIVATE KEY");
        assert!(
            SigningKey::parse(&sec1)
                .unwrap_err()
                .1
                .contains("openssl pkcs8")
        );
        let encrypted = private.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
        assert!(private_error(&encrypted).contains("口令"));
        // A line lost: base64 that no longer decodes to a key.
        let mut lines: Vec<&str> = private.lines().collect();
        lines.remove(2);
        assert!(SigningKey::parse(&lines.join("\n")).is_err());
    }

    #[test]
    fn a_fingerprint_reads_aloud_in_groups_and_back() {
        let f = Fingerprint([0xab; 32]);
        let shown = f.to_string();
        assert_eq!(shown.len(), 64 + 15);
        assert!(shown.starts_with("abab abab "));
        assert_eq!(Fingerprint::parse(&shown), Some(f.clone()));
        assert_eq!(Fingerprint::parse(&f.hex()), Some(f));
        assert_eq!(Fingerprint::parse("ab"), None);
        assert_eq!(unhex("+f"), None);
        assert_eq!(unhex("0g"), None);
    }
}
