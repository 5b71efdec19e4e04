//! A site in a temporary folder, written from inline files, with the repository's default
//! theme copied in; and helpers to build it and read what came out.

use std::path::{Path, PathBuf};

use pingyi::{BuildError, Date, Diagnostic, Options};

pub const SITE_YAML: &str = "\
title: 测试市人大常委会工作评议公开网
base_url: https://rd.example.gov.cn
organizer: 测试市人大常委会办公厅
site_code: \"1234567890\"
departments:
  - id: housing
    name: 测试市住房和城乡建设局
  - id: transport
    name: 测试市交通运输局
";

pub const REVIEW: &str = "---
title: 2024年度工作评议
type: review
date: 2024-02-01
id: \"2024\"
year: 2024
departments: [housing, transport]
stages:
  - {name: 评议准备, start: 2024-02-01, end: 2024-03-31}
  - {name: 评议调查, start: 2024-04-01, end: 2024-06-30}
  - {name: 集中评议, start: 2024-07-01, end: 2024-09-30}
  - {name: 整改落实, start: 2024-10-01, end: 2024-12-31}
results:
  - {department: transport, round: 1, satisfied: 10, basically_satisfied: 12, unsatisfied: 18, verdict: 不满意}
  - {department: transport, round: 2, satisfied: 20, basically_satisfied: 15, unsatisfied: 5, verdict: 基本满意}
---
本年度评议住建、交通两个部门。
";

pub const SPEECH: &str = "---
title: 在工作评议动员会上的讲话
type: speech
date: 2024-02-20
review: \"2024\"
speaker: 李明华
speaker_title: 市人大常委会主任
occasion: 工作评议动员会
tags: [工作评议]
---
同志们:今天召开动员会。详见[评议方案](../notices/plan.md)。

## 一、提高认识
";

pub const NOTICE: &str = "---
title: 关于开展2024年度工作评议的实施方案
type: notice
date: 2024-02-10
review: \"2024\"
departments: [housing, transport]
notice_kind: plan
doc_number: 测人大常〔2024〕3号
index_no: CS-2024-001
issuer: 测试市人大常委会办公厅
written_date: 2024-02-08
---
方案正文。
";

pub const RECTIFICATION: &str = "---
title: 测试市交通运输局整改情况报告
type: rectification
date: 2024-11-01
review: \"2024\"
department: transport
round: 1
items:
  - id: \"1\"
    problem: 公交准点率低
    measures: 优化线路
    responsible: 公交科
    deadline: 2024-06-30
    status: in_progress
  - id: \"2\"
    problem: 出租车拒载
    measures: 加强执法
    responsible: 执法支队
    deadline: 2024-12-31
    status: done
    completed: 2024-10-15
    progress:
      - {date: 2024-09-01, note: 开展专项整治}
---
整改情况如下。
";

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

/// The `pingyi` binary as a process to start. Through CARGO_TARGET_<triple>_RUNNER when the
/// binary is not the host's (qemu-user for the ARM64 build), as assert_cmd's `cargo_bin` does
/// for a Command: a bare path would not start a foreign binary.
pub fn pingyi_process() -> std::process::Command {
    <std::process::Command as assert_cmd::cargo::CommandCargoExt>::cargo_bin("pingyi").unwrap()
}

/// The repository's root, where `themes/` and the example site are.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl TestSite {
    /// An empty site with the default theme.
    pub fn empty() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(
            &repo().join("themes/default"),
            &dir.path().join("themes/default"),
        );
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        TestSite { dir }
    }

    /// A small valid site: one review, speech, notice and rectification.
    pub fn valid() -> TestSite {
        TestSite::empty()
            .file(
                "site.yaml",
                &format!("{SITE_YAML}archive: {{fonds: T001, agency: 测试市人大常委会}}\n"),
            )
            .file("content/2024/review.md", REVIEW)
            .file("content/2024/speeches/mobilization.md", SPEECH)
            .file("content/2024/notices/plan.md", NOTICE)
            .file("content/2024/rectifications/transport.md", RECTIFICATION)
    }

    /// A copy of the repository's own example site.
    pub fn example() -> TestSite {
        let site = TestSite::empty();
        copy_tree(&repo().join("content"), &site.root().join("content"));
        std::fs::copy(repo().join("site.yaml"), site.root().join("site.yaml")).unwrap();
        site
    }

    pub fn file(self, rel: &str, text: &str) -> TestSite {
        self.bytes(rel, text.as_bytes())
    }

    pub fn bytes(self, rel: &str, bytes: &[u8]) -> TestSite {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn options() -> Options {
        Options {
            today: Some(Date::parse("2024-11-27").unwrap()),
            ..Options::default()
        }
    }

    /// The options the example site is built with: a fixed today, so that its one overdue
    /// item and its scheduled posts stay as they are.
    pub fn example_options() -> Options {
        Options {
            today: Some(Date::parse("2026-11-27").unwrap()),
            ..Options::default()
        }
    }

    pub fn build(&self) -> Result<pingyi::BuildReport, BuildError> {
        pingyi::build(self.root(), &self.out(), &Self::options())
    }

    /// Builds and panics with the diagnostics if the build fails.
    pub fn built(self) -> TestSite {
        if let Err(e) = self.build() {
            panic!("build failed: {}", describe(&e));
        }
        self
    }

    /// Builds, expecting content errors; returns them.
    pub fn errors(&self) -> Vec<Diagnostic> {
        match self.build() {
            Err(BuildError::Content(d)) => d.into_iter().filter(|d| d.is_error()).collect(),
            Err(BuildError::Io(e)) => panic!("expected content errors, got I/O error {e}"),
            Ok(_) => panic!("expected the build to fail"),
        }
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel))
            .unwrap_or_else(|e| panic!("{rel} not built: {e}"))
    }

    pub fn html(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(rel))
    }
}

pub fn describe(e: &BuildError) -> String {
    match e {
        BuildError::Content(d) => d
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        BuildError::Io(s) => s.clone(),
    }
}

/// Text of every element matching `selector`.
pub fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// An attribute of every element matching `selector`.
pub fn attrs(doc: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Every file under `dir`, relative, with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Gathers what `child` writes on standard error, as it comes, for a test to wait on.
pub fn collect_stderr(child: &mut std::process::Child) -> std::sync::Arc<std::sync::Mutex<String>> {
    use std::io::Read;
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let sink = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    log
}
