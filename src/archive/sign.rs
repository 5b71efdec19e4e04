//! A bundle's signature: `manifest.sig`, the SM2-with-SM3 signature of `manifest.json`'s exact
//! bytes, made when a year is archived with a key, and its check against the public key an
//! office registered. The manifest lists every other file's SHA-256, so the signature anchors
//! them all: a page rewritten with its hash updated in the manifest no longer matches it. The
//! keys themselves are `keys.rs`'s.
//!
//! `manifest.sig` (JSON, `pingyi-signature/1`):
//!
//! ```json
//! {
//!   "format": "pingyi-signature/1",
//!   "algorithm": "SM2-SM3",
//!   "distinguishing_id": "1234567812345678",
//!   "signer_fingerprint": "<64 hex digits: SM3 of the public key's SubjectPublicKeyInfo>",
//!   "signature": "<hex of the DER SEQUENCE { r INTEGER, s INTEGER }>"
//! }
//! ```
//!
//! The signature is what `openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt
//! distid:1234567812345678` makes of `manifest.json`, so it can be checked without pingyi.
//! The fingerprint only says which key to check with: it is not signed, and a check with a
//! key compares it with that key's.

use serde::{Deserialize, Serialize};
use sm2::dsa::Signature;
use sm2::dsa::signature::{Signer, Verifier};

use super::keys::{DISTINGUISHING_ID, Fingerprint, PublicKey, SigningKey, hex, unhex};

/// The signature's name inside the bundle, beside the manifest it signs. The manifest does
/// not list it: it cannot, being made from the manifest.
pub const SIGNATURE: &str = "manifest.sig";
const FORMAT: &str = "pingyi-signature/1";
const ALGORITHM: &str = "SM2-SM3";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    format: String,
    algorithm: String,
    distinguishing_id: String,
    signer_fingerprint: String,
    signature: String,
}

/// What became of a bundle's signature in `verify`: the 真实性 (authenticity) of the bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No `manifest.sig`, and no key to check one with.
    #[default]
    Unsigned,
    /// No `manifest.sig`, though a key was given: the bundle fails, since a forger need only
    /// remove the signature.
    Missing,
    /// Signed, not checked: no key was given. The fingerprint is the one `manifest.sig`
    /// claims, unproven.
    NotChecked { fingerprint: Fingerprint },
    /// Signed by the key given, and `manifest.json` is as signed.
    Valid { fingerprint: Fingerprint },
    /// The signature does not hold, or cannot be read: why, in Chinese.
    Invalid { reason: String },
}

impl SignatureCheck {
    /// Whether this leaves the bundle intact: not when the signature fails or is missing
    /// though asked for.
    pub fn is_acceptable(&self) -> bool {
        !matches!(
            self,
            SignatureCheck::Missing | SignatureCheck::Invalid { .. }
        )
    }
}

/// `manifest.sig` for a manifest's exact bytes. The same key and manifest give the same
/// signature (RFC 6979's deterministic nonce, with SM3), so a signed bundle stays reproducible.
pub(super) fn sign_manifest(key: &SigningKey, manifest: &[u8]) -> Result<Vec<u8>, String> {
    let signature: Signature = key
        .inner
        .try_sign(manifest)
        .map_err(|e| format!("无法签名 {}: {e}", super::MANIFEST))?;
    let file = SignatureFile {
        format: FORMAT.into(),
        algorithm: ALGORITHM.into(),
        distinguishing_id: DISTINGUISHING_ID.into(),
        signer_fingerprint: key.public_key().fingerprint().hex(),
        signature: hex(signature.to_der().as_bytes()),
    };
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    Ok((json + "\n").into_bytes())
}

/// Checks `signature` (the bytes of `manifest.sig`, if the bundle has one) against
/// `manifest` (the bytes of `manifest.json`) and, when given, `key`.
pub(super) fn check(
    manifest: &[u8],
    signature: Option<&[u8]>,
    key: Option<&PublicKey>,
) -> SignatureCheck {
    let invalid = |reason: String| SignatureCheck::Invalid { reason };
    let Some(signature) = signature else {
        return match key {
            Some(_) => SignatureCheck::Missing,
            None => SignatureCheck::Unsigned,
        };
    };
    let (claimed, signature) = match read(signature) {
        Ok(read) => read,
        Err(reason) => return invalid(reason),
    };
    let Some(key) = key else {
        return SignatureCheck::NotChecked {
            fingerprint: claimed,
        };
    };
    let given = key.fingerprint();
    match key.inner.verify(manifest, &signature) {
        Ok(()) if &claimed == given => SignatureCheck::Valid {
            fingerprint: claimed,
        },
        Ok(()) => invalid(format!(
            "{SIGNATURE} 中的签名者指纹被改动过(写的是 {claimed},公钥的指纹是 {given})"
        )),
        Err(_) if &claimed != given => invalid(format!(
            "不是用这把公钥对应的私钥签的:{SIGNATURE} 写明的签名者指纹是 {claimed},而公钥的指纹是 {given}"
        )),
        Err(_) => invalid(format!(
            "签名与 {} 不符:签名之后,{} 或 {SIGNATURE} 被改动过",
            super::MANIFEST,
            super::MANIFEST
        )),
    }
}

/// `manifest.sig` read: its claimed signer and its signature, or why it cannot be read.
fn read(bytes: &[u8]) -> Result<(Fingerprint, Signature), String> {
    let file: SignatureFile =
        serde_json::from_slice(bytes).map_err(|e| format!("{SIGNATURE} 无法解析: {e}"))?;
    if file.format != FORMAT {
        return Err(format!(
            "{SIGNATURE} 的格式是 `{}`,本程序只认 `{FORMAT}`",
            file.format
        ));
    }
    if file.algorithm != ALGORITHM {
        return Err(format!(
            "{SIGNATURE} 的签名算法是 `{}`,本程序只认 `{ALGORITHM}`",
            file.algorithm
        ));
    }
    if file.distinguishing_id != DISTINGUISHING_ID {
        return Err(format!(
            "{SIGNATURE} 的区分标识是 `{}`,本程序只用默认的 `{DISTINGUISHING_ID}`",
            file.distinguishing_id
        ));
    }
    let fingerprint = Fingerprint::parse(&file.signer_fingerprint)
        .ok_or_else(|| format!("{SIGNATURE} 中的签名者指纹不是 64 位十六进制数"))?;
    let signature = unhex(&file.signature)
        .and_then(|der| Signature::from_der(&der).ok())
        .ok_or_else(|| format!("{SIGNATURE} 中的签名数据无效(应为 DER 编码的十六进制)"))?;
    Ok((fingerprint, signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(c: SignatureCheck) -> String {
        match c {
            SignatureCheck::Invalid { reason } => reason,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_signature_holds_for_its_manifest_and_its_key_alone() {
        let key = SigningKey::generate().unwrap();
        let public = key.public_key();
        let manifest = b"{\"files\": []}\n";
        let sig = sign_manifest(&key, manifest).unwrap();
        assert_eq!(sig, sign_manifest(&key, manifest).unwrap(), "deterministic");
        let fingerprint = public.fingerprint().clone();

        assert_eq!(
            check(manifest, Some(&sig), Some(&public)),
            SignatureCheck::Valid {
                fingerprint: fingerprint.clone()
            }
        );
        assert_eq!(
            check(manifest, Some(&sig), None),
            SignatureCheck::NotChecked { fingerprint }
        );
        assert_eq!(check(manifest, None, None), SignatureCheck::Unsigned);
        assert_eq!(
            check(manifest, None, Some(&public)),
            SignatureCheck::Missing
        );

        let altered = reason(check(b"{\"files\": [1]}\n", Some(&sig), Some(&public)));
        assert!(altered.contains("被改动过"), "{altered}");
        let other = SigningKey::generate().unwrap().public_key();
        assert!(reason(check(manifest, Some(&sig), Some(&other))).contains("不是用这把公钥"));

        // The claimed signer changed to the checking key's: the signature still fails.
        let text = String::from_utf8(sig.clone()).unwrap();
        let claimed = text.replace(&public.fingerprint().hex(), &other.fingerprint().hex());
        assert!(reason(check(manifest, Some(claimed.as_bytes()), Some(&other))).contains("不符"));
        // The claimed signer changed, the signature left: the fingerprint is caught.
        assert!(
            reason(check(manifest, Some(claimed.as_bytes()), Some(&public))).contains("指纹被改动")
        );

        for (from, to, says) in [
            ("SM2-SM3", "Ed25519", "签名算法"),
            ("pingyi-signature/1", "pingyi-signature/2", "格式"),
            ("1234567812345678", "ALICE123@YAHOO.COM", "区分标识"),
            ("\"signature\": \"30", "\"signature\": \"zz", "签名数据无效"),
            ("\"format\"", "\"extra\": 1, \"format\"", "无法解析"),
        ] {
            let bad = text.replacen(from, to, 1);
            assert!(
                reason(check(manifest, Some(bad.as_bytes()), None)).contains(says),
                "{says}"
            );
        }
        assert!(!SignatureCheck::Missing.is_acceptable());
        assert!(SignatureCheck::Unsigned.is_acceptable());
    }
}
