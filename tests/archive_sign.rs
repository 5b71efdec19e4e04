//! Signed year archives: keys from `pingyi keygen`, `archive --sign`, `verify --key`; every
//! forgery the signature is there to catch fails with the key; OpenSSL and pingyi read each
//! other's keys and verify each other's signatures.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use pingyi::archive::{PublicKey, SignatureCheck, SigningKey};
use predicates::prelude::*;
use predicates::str::contains;

use crate::archive::{options, unpacked};
use crate::support::*;

fn pingyi() -> Command {
    Command::cargo_bin("pingyi").unwrap()
}

/// A key pair written as `pingyi keygen` writes it, in a folder of its own.
struct Keys {
    dir: tempfile::TempDir,
    signing: SigningKey,
    public: PublicKey,
}

impl Keys {
    fn new() -> Keys {
        let dir = tempfile::tempdir().unwrap();
        let files = pingyi::archive::write_key_pair(dir.path()).unwrap();
        Keys {
            signing: SigningKey::read(&files.private).unwrap(),
            public: PublicKey::read(&files.public).unwrap(),
            dir,
        }
    }

    fn private_file(&self) -> PathBuf {
        self.dir.path().join(pingyi::archive::PRIVATE_KEY_FILE)
    }

    fn public_file(&self) -> PathBuf {
        self.dir.path().join(pingyi::archive::PUBLIC_KEY_FILE)
    }
}

fn signed(site: &TestSite, key: &SigningKey) -> Vec<u8> {
    match pingyi::archive::archive_signed(site.root(), 2025, &options(), Some(key)) {
        Ok(b) => b.bytes,
        Err(e) => panic!("archive failed: {}", describe(&e)),
    }
}

fn check(bundle: &Path, key: Option<&PublicKey>) -> pingyi::archive::Verification {
    pingyi::archive::verify(bundle, key).unwrap_or_else(|d| panic!("{d}"))
}

fn invalid_reason(v: &pingyi::archive::Verification) -> &str {
    assert!(!v.is_intact(), "{v:?}");
    match &v.signature {
        SignatureCheck::Invalid { reason } => reason,
        other => panic!("expected an invalid signature, got {other:?}"),
    }
}

#[test]
fn keygen_writes_both_keys_and_never_overwrites_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("密钥");
    let out = pingyi()
        .args(["keygen", "--output"])
        .arg(&dir)
        .assert()
        .success()
        .stderr(contains("不要放到网站服务器上").and(contains("登记")))
        .get_output()
        .stdout
        .clone();
    let shown = String::from_utf8(out).unwrap();
    let private = dir.join("pingyi-archive.key");
    let public = dir.join("pingyi-archive.pub");
    let key_text = std::fs::read_to_string(&private).unwrap();
    assert!(key_text.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(
        std::fs::read_to_string(&public)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // What was printed is the public key's fingerprint, and the private key's public half's.
    let fingerprint = PublicKey::read(&public).unwrap().fingerprint().clone();
    assert_eq!(shown.trim(), fingerprint.to_string());
    assert_eq!(shown.trim().split(' ').count(), 16);
    let from_private = SigningKey::read(&private).unwrap().public_key();
    assert_eq!(from_private.fingerprint(), &fingerprint);

    pingyi()
        .args(["keygen", "-o"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(contains("pingyi-archive.key").and(contains("已存在")));
    assert_eq!(std::fs::read_to_string(&private).unwrap(), key_text);

    // The public key alone left there: still refused, and no private key is made beside it.
    std::fs::remove_file(&private).unwrap();
    pingyi()
        .args(["keygen", "-o"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(contains("pingyi-archive.pub").and(contains("已存在")));
    assert!(!private.exists());
}

#[test]
fn a_signed_bundle_verifies_with_its_key_and_says_so() {
    let site = TestSite::example();
    let keys = Keys::new();
    let fingerprint = keys.public.fingerprint().clone();

    let bytes = signed(&site, &keys.signing);
    assert!(
        bytes == signed(&site, &keys.signing),
        "same content, day and key: same bundle"
    );
    let dir = unpacked(&bytes);
    assert!(dir.path().join("manifest.sig").is_file());
    let plain = unpacked(
        &pingyi::archive::archive(site.root(), 2025, &options())
            .unwrap()
            .bytes,
    );
    assert_eq!(
        std::fs::read(dir.path().join("manifest.json")).unwrap(),
        std::fs::read(plain.path().join("manifest.json")).unwrap(),
        "signing leaves the manifest as it was"
    );

    let v = check(dir.path(), Some(&keys.public));
    assert!(v.is_intact(), "{v:?}");
    assert!(
        v.extra.is_empty(),
        "manifest.sig is no extra file: {:?}",
        v.extra
    );
    assert_eq!(
        v.signature,
        SignatureCheck::Valid {
            fingerprint: fingerprint.clone()
        }
    );
    let v = check(dir.path(), None);
    assert!(v.is_intact());
    assert_eq!(
        v.signature,
        SignatureCheck::NotChecked {
            fingerprint: fingerprint.clone()
        }
    );

    // The commands, on the zip.
    let zip = site.root().join("archives/2025.zip");
    pingyi()
        .args(["archive", "2025", "--today", "2026-11-27", "--sign"])
        .arg(keys.private_file())
        .arg("--root")
        .arg(site.root())
        .assert()
        .success()
        .stderr(contains("已签名").and(contains(fingerprint.to_string())));
    assert!(std::fs::read(&zip).unwrap() == bytes);
    pingyi()
        .arg("verify")
        .arg(&zip)
        .arg("--key")
        .arg(keys.public_file())
        .assert()
        .success()
        .stderr(contains("签名有效").and(contains(fingerprint.to_string())));
    pingyi().arg("verify").arg(&zip).assert().success().stderr(
        contains("已签名,未核验签名:请用 --key 指定公钥").and(contains(fingerprint.to_string())),
    );
}

#[test]
fn an_unsigned_bundle_says_so_and_fails_when_a_key_is_given() {
    let site = TestSite::example();
    let keys = Keys::new();
    pingyi()
        .args(["archive", "2025", "--today", "2026-11-27", "--root"])
        .arg(site.root())
        .assert()
        .success();
    let zip = site.root().join("archives/2025.zip");
    pingyi()
        .arg("verify")
        .arg(&zip)
        .assert()
        .success()
        .stderr(contains("完好").and(contains("未签名")));
    pingyi()
        .arg("verify")
        .arg(&zip)
        .arg("--key")
        .arg(keys.public_file())
        .assert()
        .code(1)
        .stderr(contains("未签名").and(contains("不完好")));
    let v = check(&zip, Some(&keys.public));
    assert_eq!(v.signature, SignatureCheck::Missing);
    assert!(!v.is_intact());
}

/// A page rewritten, its size and SHA-256 put into the manifest: every digest agrees.
fn forge_page(dir: &Path) {
    let rel = "2025/speeches/mobilization-speech/index.html";
    let page = std::fs::read_to_string(dir.join(rel)).unwrap();
    let forged = page.replacen("讲话", "讲 话", 1).into_bytes();
    std::fs::write(dir.join(rel), &forged).unwrap();
    let path = dir.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let entry = manifest["files"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["path"] == rel)
        .unwrap();
    entry["size"] = forged.len().into();
    entry["sha256"] = pingyi::bundle::sha256_hex(&forged).into();
    entry["sm3"] = pingyi::bundle::sm3_hex(&forged).into();
    let json = serde_json::to_string_pretty(&manifest).unwrap() + "\n";
    std::fs::write(path, json).unwrap();
}

#[test]
fn every_forgery_fails_with_the_key() {
    let site = TestSite::example();
    let keys = Keys::new();
    let bytes = signed(&site, &keys.signing);

    // The forgery the signature is for: without the key, the digests alone call it intact.
    let forged = unpacked(&bytes);
    forge_page(forged.path());
    assert!(check(forged.path(), None).is_intact());
    let v = check(forged.path(), Some(&keys.public));
    assert!(v.altered.is_empty());
    assert!(invalid_reason(&v).contains("被改动过"));
    pingyi()
        .arg("verify")
        .arg(forged.path())
        .arg("--key")
        .arg(keys.public_file())
        .assert()
        .code(1)
        .stderr(contains("签名无效").and(contains("不完好")));

    // The manifest alone altered.
    let altered = unpacked(&bytes);
    let path = altered.path().join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"year\": 2025", "\"year\": 2024", 1)).unwrap();
    invalid_reason(&check(altered.path(), Some(&keys.public)));

    // The signature altered: one hex digit of it.
    let sig_altered = unpacked(&bytes);
    let path = sig_altered.path().join("manifest.sig");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("\"signature\": \"").unwrap() + 30;
    let mut chars: Vec<char> = text.chars().collect();
    chars[at] = if chars[at] == '0' { '1' } else { '0' };
    std::fs::write(&path, chars.into_iter().collect::<String>()).unwrap();
    invalid_reason(&check(sig_altered.path(), Some(&keys.public)));

    // The signature removed.
    let removed = unpacked(&bytes);
    std::fs::remove_file(removed.path().join("manifest.sig")).unwrap();
    let v = check(removed.path(), Some(&keys.public));
    assert_eq!(v.signature, SignatureCheck::Missing);
    assert!(!v.is_intact());

    // Forged and signed again, by a key that is not the office's.
    let other = Keys::new();
    let resigned = unpacked(&signed(&site, &other.signing));
    let v = check(resigned.path(), Some(&keys.public));
    assert!(invalid_reason(&v).contains("不是用这把公钥"));
    // The forger's manifest.sig put beside the office's manifest: no better.
    let office = unpacked(&bytes);
    std::fs::copy(
        resigned.path().join("manifest.sig"),
        office.path().join("manifest.sig"),
    )
    .unwrap();
    invalid_reason(&check(office.path(), Some(&keys.public)));
}

const ED25519_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFthUml+GIrQNs03a8frz7BjqSdOXCEl73L75SxmEoBd
-----END PRIVATE KEY-----
";

#[test]
fn bad_key_files_are_refused_by_name_and_no_bundle_is_written() {
    let site = TestSite::example()
        .file("keys/not-pem.key", "这不是密钥\n")
        .file("keys/ed25519.key", ED25519_PRIVATE);
    let keys = Keys::new();
    let zip = site.root().join("archives/2025.zip");
    let cases: [(PathBuf, &str); 4] = [
        (site.root().join("keys/missing.key"), "无法读取签名私钥文件"),
        (site.root().join("keys/not-pem.key"), "不是 PEM 格式的私钥"),
        (site.root().join("keys/ed25519.key"), "Ed25519"),
        (keys.public_file(), "这是公钥,不是私钥"),
    ];
    for (key, says) in cases {
        let name = key.file_name().unwrap().to_string_lossy().into_owned();
        pingyi()
            .args(["archive", "2025", "--today", "2026-11-27", "--sign"])
            .arg(&key)
            .arg("--root")
            .arg(site.root())
            .assert()
            .code(2)
            .stderr(
                contains(says)
                    .and(contains(name))
                    .and(contains("没有生成归档包")),
            );
        assert!(!zip.exists(), "{says}: a bundle was written");
    }

    pingyi()
        .arg("verify")
        .arg(site.root())
        .arg("--key")
        .arg(keys.private_file())
        .assert()
        .code(2)
        .stderr(contains("这是私钥").and(contains("pingyi-archive.key")));
}

/// `openssl` on this machine, if it has one that knows SM2. CI sets
/// `PINGYI_REQUIRE_TOOLS` so that the check is never skipped there.
fn openssl() -> Option<()> {
    let known = std::process::Command::new("openssl")
        .args(["list", "-public-key-algorithms"])
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("SM2"));
    if known {
        return Some(());
    }
    assert!(
        std::env::var_os("PINGYI_REQUIRE_TOOLS").is_none(),
        "PINGYI_REQUIRE_TOOLS is set, but there is no openssl with SM2"
    );
    eprintln!(
        "note: no openssl with SM2 on this machine; the OpenSSL interoperability test is skipped"
    );
    None
}

fn run_openssl(args: &[&str], dir: &Path) -> Output {
    std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn openssl_ok(args: &[&str], dir: &Path) -> Output {
    let out = run_openssl(args, dir);
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

const VERIFY: [&str; 9] = [
    "pkeyutl",
    "-verify",
    "-rawin",
    "-digest",
    "sm3",
    "-pkeyopt",
    "distid:1234567812345678",
    "-in",
    "manifest.json",
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn openssl_and_pingyi_read_each_others_keys_and_verify_each_others_signatures() {
    if openssl().is_none() {
        return;
    }
    let site = TestSite::example();
    let keys = Keys::new();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let private = keys.private_file().to_string_lossy().into_owned();
    let public = keys.public_file().to_string_lossy().into_owned();

    // Our keys, read by OpenSSL; our fingerprint is its SM3 of the key's DER.
    openssl_ok(&["pkey", "-in", &private, "-noout"], work);
    openssl_ok(
        &[
            "pkey", "-pubin", "-in", &public, "-outform", "DER", "-out", "pub.der",
        ],
        work,
    );
    let digest = openssl_ok(&["dgst", "-sm3", "-r", "pub.der"], work);
    let digest = String::from_utf8(digest.stdout).unwrap();
    assert_eq!(
        digest.split(' ').next().unwrap(),
        keys.public.fingerprint().hex()
    );

    // Our signature of manifest.json, verified by OpenSSL; a changed manifest is not.
    let dir = unpacked(&signed(&site, &keys.signing));
    let sig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("manifest.sig")).unwrap()).unwrap();
    let der = unhex(sig["signature"].as_str().unwrap());
    std::fs::write(dir.path().join("sig.der"), &der).unwrap();
    let verify_with = |key: &str, dir: &Path| {
        let mut args = VERIFY.to_vec();
        args.extend(["-pubin", "-inkey", key, "-sigfile", "sig.der"]);
        run_openssl(&args, dir).status.success()
    };
    assert!(
        verify_with(&public, dir.path()),
        "OpenSSL refused our signature"
    );
    let manifest = dir.path().join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("2025", "2024", 1)).unwrap();
    assert!(
        !verify_with(&public, dir.path()),
        "OpenSSL took a changed manifest"
    );

    // OpenSSL's key, read by us.
    openssl_ok(&["genpkey", "-algorithm", "SM2", "-out", "o.key"], work);
    openssl_ok(&["pkey", "-in", "o.key", "-pubout", "-out", "o.pub"], work);
    let o_signing = SigningKey::read(&work.join("o.key")).unwrap();
    let o_public = PublicKey::read(&work.join("o.pub")).unwrap();
    assert_eq!(o_signing.public_key().fingerprint(), o_public.fingerprint());
    let o_pub = work.join("o.pub").to_string_lossy().into_owned();

    // Signed by us with OpenSSL's key, verified by OpenSSL.
    let dir = unpacked(&signed(&site, &o_signing));
    let sig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("manifest.sig")).unwrap()).unwrap();
    std::fs::write(
        dir.path().join("sig.der"),
        unhex(sig["signature"].as_str().unwrap()),
    )
    .unwrap();
    assert!(verify_with(&o_pub, dir.path()));
    assert!(
        !verify_with(&public, dir.path()),
        "OpenSSL took another key"
    );

    // Signed by OpenSSL (its nonce is random), verified by us; by another key, refused.
    let dir = unpacked(
        &pingyi::archive::archive(site.root(), 2025, &options())
            .unwrap()
            .bytes,
    );
    let o_key = work.join("o.key").to_string_lossy().into_owned();
    let mut args = VERIFY.to_vec();
    args[1] = "-sign";
    args.extend(["-inkey", &o_key, "-out", "sig.der"]);
    openssl_ok(&args, dir.path());
    let der = std::fs::read(dir.path().join("sig.der")).unwrap();
    std::fs::remove_file(dir.path().join("sig.der")).unwrap();
    let manifest_sig = serde_json::json!({
        "format": "pingyi-signature/1",
        "algorithm": "SM2-SM3",
        "distinguishing_id": "1234567812345678",
        "signer_fingerprint": o_public.fingerprint().hex(),
        "signature": der.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    });
    std::fs::write(dir.path().join("manifest.sig"), manifest_sig.to_string()).unwrap();
    let v = check(dir.path(), Some(&o_public));
    assert_eq!(
        v.signature,
        SignatureCheck::Valid {
            fingerprint: o_public.fingerprint().clone()
        }
    );
    assert!(v.is_intact(), "{v:?}");
    invalid_reason(&check(dir.path(), Some(&keys.public)));
    forge_page(dir.path());
    invalid_reason(&check(dir.path(), Some(&o_public)));
}
