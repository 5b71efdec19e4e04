//! `verify`: a bundle checked against its manifest, and reported as the 四性检测 of
//! electronic records (DA/T 70-2018): 真实性, 完整性, 可用性, 安全性.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::catalogue::CATALOGUE_CSV;
use super::checks::{leads_out, unsafe_file, unusable};
use super::{FORMAT, FORMAT_1, MANIFEST, Manifest, PublicKey, SIGNATURE, SignatureCheck, sign};
use crate::bundle::{FileEntry, Held, compare, entry_sm3, read_folder, read_zip};
use crate::diagnostic::Diagnostic;

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Verification {
    pub year: i32,
    /// The manifest's format: 1 (no SM3, no catalogue) or 2.
    pub format: u8,
    pub checked: usize,
    /// 件 in the manifest's catalogue.
    pub records: usize,
    /// In the manifest, not in the bundle.
    pub missing: Vec<String>,
    /// In the bundle, not in the manifest.
    pub extra: Vec<String>,
    /// Size, SHA-256 or SM3 differ from the manifest.
    pub altered: Vec<String>,
    /// Names the zip holds more than once: an unzip tool may keep either copy, so the one
    /// checked is not necessarily the one read.
    pub duplicated: Vec<String>,
    /// Entries that are not plain files (symlinks, devices, pipes), with what they are: a
    /// bundle holds files only, and a link can lead anywhere (`/etc/passwd`).
    pub not_files: Vec<(String, &'static str)>,
    /// What the catalogue says a 件 holds that is not so, or a 件 the catalogue and the
    /// manifest disagree on.
    pub incomplete: Vec<String>,
    /// Files of a format not known, or whose bytes are not what their name says.
    pub unusable: Vec<(String, String)>,
    /// Programs, and names that would unpack outside the bundle's folder.
    pub unsafe_entries: Vec<(String, String)>,
    /// `manifest.sig` checked, with the key when one was given.
    pub signature: SignatureCheck,
}

/// One of the four properties, as `verify` reports it.
#[derive(Debug, Serialize)]
pub struct Property {
    /// 真实性, 完整性, 可用性 or 安全性.
    pub name: &'static str,
    pub passed: bool,
    /// One line: what was checked and found.
    pub summary: String,
    /// Each problem found, one a line.
    pub problems: Vec<String>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.properties().iter().all(|p| p.passed)
    }

    /// The 四性检测 report.
    pub fn properties(&self) -> [Property; 4] {
        let listed = |label: &str, paths: &[String]| -> Vec<String> {
            paths.iter().map(|p| format!("{label}: {p}")).collect()
        };
        let digests = if self.format >= 2 {
            "SHA-256 和 SM3"
        } else {
            "SHA-256(第 1 版归档包没有 SM3)"
        };
        let mut problems = listed("被改动", &self.altered);
        let signed = match &self.signature {
            SignatureCheck::Unsigned => "归档包未签名".to_string(),
            SignatureCheck::NotChecked { fingerprint } => {
                format!("已签名,未核验签名:请用 --key 指定公钥(签名者指纹 {fingerprint})")
            }
            SignatureCheck::Valid { fingerprint } => {
                format!("清单的 SM2 签名有效,签名者公钥指纹 {fingerprint}(请与登记的指纹比对)")
            }
            SignatureCheck::Missing => {
                problems.push(format!("未签名:指定了公钥,但归档包没有 {SIGNATURE}"));
                String::new()
            }
            SignatureCheck::Invalid { reason } => {
                problems.push(format!("签名无效:{reason}"));
                String::new()
            }
        };
        let authentic = property(
            "真实性",
            problems,
            format!(
                "{} 个文件的大小、{digests} 与清单一致;{signed}",
                self.checked
            ),
        );
        let mut problems = listed("缺失", &self.missing);
        problems.extend(listed("多出(清单中没有)", &self.extra));
        problems.extend(self.incomplete.iter().cloned());
        let complete = property(
            "完整性",
            problems,
            if self.format >= 2 {
                format!(
                    "归档文件目录的 {} 件都有元数据和全部文件,清单中的文件都在,没有多出的文件",
                    self.records
                )
            } else {
                "清单中的文件都在,没有多出的文件(第 1 版归档包没有归档文件目录)".to_string()
            },
        );
        let usable = property(
            "可用性",
            self.unusable
                .iter()
                .map(|(p, why)| format!("{p}: {why}"))
                .collect(),
            "每个文件的格式可识别,内容与格式相符(HTML、文本为 UTF-8,PDF、OFD、图片、压缩包完好)"
                .to_string(),
        );
        let mut problems: Vec<String> = self
            .unsafe_entries
            .iter()
            .map(|(p, why)| format!("{p}: {why}"))
            .collect();
        problems.extend(
            self.not_files
                .iter()
                .map(|(p, what)| format!("{p}: {what}(归档包只应有普通文件)")),
        );
        problems.extend(listed(
            "重名(归档包中有不止一项叫这个名字)",
            &self.duplicated,
        ));
        let safe = property(
            "安全性",
            problems,
            "没有可执行程序、符号链接或设备文件,没有重名的项,没有指向归档包以外的路径".to_string(),
        );
        [authentic, complete, usable, safe]
    }
}

fn property(name: &'static str, problems: Vec<String>, when_passed: String) -> Property {
    Property {
        name,
        passed: problems.is_empty(),
        summary: if problems.is_empty() {
            when_passed
        } else {
            format!("发现 {} 个问题", problems.len())
        },
        problems,
    }
}

/// Checks a bundle (the zip, or the folder it was unpacked to) against its `manifest.json`.
/// Besides the files' bytes, a bundle must hold plain files only, each name once. With `key`,
/// it must also be signed by that key ([`SignatureCheck`]).
pub fn verify(path: &Path, key: Option<&PublicKey>) -> Result<Verification, Diagnostic> {
    let fail = |msg: String| Diagnostic::error(path, msg);
    let mut held = Held::default();
    if path.is_dir() {
        read_folder(path, &mut held)?;
    } else {
        read_zip(path, &mut held, &|_| Some(u64::MAX))?;
    }
    let Held {
        mut files,
        duplicated,
        not_files,
        ..
    } = held;
    let manifest = files
        .remove(MANIFEST)
        .ok_or_else(|| fail(format!("归档包中没有 {MANIFEST},无法校验")))?;
    let signature = sign::check(&manifest, files.remove(SIGNATURE).as_deref(), key);
    let manifest: Manifest =
        serde_json::from_slice(&manifest).map_err(|e| fail(format!("{MANIFEST} 无法解析: {e}")))?;
    let format = match manifest.format.as_str() {
        FORMAT => 2,
        FORMAT_1 => 1,
        other => {
            return Err(fail(format!(
                "{MANIFEST} 的格式是 `{other}`,本程序只认 `{FORMAT}` 和 `{FORMAT_1}`"
            )));
        }
    };
    let found: Vec<FileEntry> = files
        .par_iter()
        .map(|(p, b)| entry_sm3(p.clone(), b))
        .collect();
    let d = compare(&manifest.files, &found);
    let names = files.keys().chain(not_files.iter().map(|(p, _)| p));
    let mut unsafe_entries: Vec<(String, String)> = names
        .filter_map(|p| leads_out(p).map(|why| (p.clone(), format!("文件名{why}"))))
        .collect();
    unsafe_entries.extend(
        files
            .iter()
            .filter_map(|(p, b)| unsafe_file(p, b).map(|why| (p.clone(), why))),
    );
    Ok(Verification {
        year: manifest.year,
        format,
        checked: manifest.files.len(),
        records: manifest.records.len(),
        incomplete: incomplete(&manifest, &files),
        unusable: files
            .iter()
            .filter_map(|(p, b)| unusable(p, b).map(|why| (p.clone(), why)))
            .collect(),
        unsafe_entries,
        duplicated: duplicated
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        not_files,
        missing: d.missing,
        altered: d.altered,
        extra: d.extra,
        signature,
    })
}

/// What the catalogue of a format-2 bundle says that is not so: a 件 without its metadata or
/// one of its files, and 件 the catalogue (`catalogue.csv`) and the manifest disagree on.
fn incomplete(manifest: &Manifest, files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    if manifest.format == FORMAT_1 {
        return Vec::new();
    }
    let mut problems = Vec::new();
    for r in &manifest.records {
        for f in std::iter::once(&r.metadata).chain(&r.files) {
            if !files.contains_key(f) {
                problems.push(format!("{} 缺少文件 {f}", r.code));
            }
        }
    }
    let Some(csv) = files.get(CATALOGUE_CSV) else {
        problems.push(format!("缺少归档文件目录 {CATALOGUE_CSV}"));
        return problems;
    };
    let listed: BTreeSet<&str> = manifest.records.iter().map(|r| r.code.as_str()).collect();
    let mut rows = BTreeSet::new();
    let text = csv.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(csv);
    for record in csv::Reader::from_reader(text).records() {
        match record {
            Ok(r) => {
                rows.insert(r.get(1).unwrap_or_default().to_string());
            }
            Err(e) => {
                problems.push(format!("{CATALOGUE_CSV} 无法读取: {e}"));
                return problems;
            }
        }
    }
    for code in listed.iter().filter(|c| !rows.contains(**c)) {
        problems.push(format!("{code} 在清单中,不在归档文件目录中"));
    }
    for code in rows.iter().filter(|c| !listed.contains(c.as_str())) {
        problems.push(format!("{code} 在归档文件目录中,不在清单中"));
    }
    problems
}
