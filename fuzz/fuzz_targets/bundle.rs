//! `pingyi verify` of a bundle someone hands over: any bytes as a zip are read without a
//! panic, and what verify reports is consistent with itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("bundle.zip");
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    if let Ok(v) = pingyi::archive::verify(&path, None) {
        let report = v.properties();
        // A property passes exactly when it names no problem; intact exactly when all pass.
        for p in &report {
            assert_eq!(p.passed, p.problems.is_empty(), "{p:?}");
        }
        assert_eq!(v.is_intact(), report.iter().all(|p| p.passed));
    }
});
