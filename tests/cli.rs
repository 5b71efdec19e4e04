//! The binary as an editor runs it: exit codes, messages, and a failed build that leaves the
//! published site exactly as it was.

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::*;

fn pingyi() -> Command {
    Command::cargo_bin("pingyi").unwrap()
}

#[test]
fn build_succeeds_with_zero_and_says_what_it_did() {
    let site = TestSite::valid();
    pingyi()
        .args(["build", "--today", "2024-11-27", "--root"])
        .arg(site.root())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("已生成").and(predicate::str::contains("1 个警告")));
    assert!(site.out().join("index.html").is_file());
}

#[test]
fn broken_files_exit_1_and_leave_the_published_site_untouched() {
    let site = TestSite::valid();
    pingyi()
        .args(["build", "--today", "2024-11-27", "--root"])
        .arg(site.root())
        .assert()
        .code(0);
    let before = snapshot(&site.out());

    let site = site
        .file(
            "content/2024/notices/plan.md",
            &NOTICE.replace("date: 2024-02-10", "date: 2024-13-10"),
        )
        .file(
            "content/2024/speeches/mobilization.md",
            &SPEECH.replace("speaker: 李明华", "speker: 李明华"),
        );
    pingyi()
        .args(["build", "--today", "2024-11-27", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("content/2024/notices/plan.md:4:7")
                .and(predicate::str::contains(
                    "content/2024/speeches/mobilization.md:6:1",
                ))
                .and(predicate::str::contains("发现 2 个错误"))
                .and(predicate::str::contains("保持原样")),
        );
    assert_eq!(
        before,
        snapshot(&site.out()),
        "public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("pingyi"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::valid();
    pingyi()
        .args(["check", "--today", "2024-11-27", "--root"])
        .arg(site.root())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("检查通过"));
    assert!(!site.out().exists());

    let site = site.file(
        "content/2024/notices/plan.md",
        &NOTICE.replace(
            "departments: [housing, transport]",
            "departments: [housing, nobody]",
        ),
    );
    pingyi()
        .args(["check", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("未知部门 `nobody`"));
}

#[test]
fn usage_and_io_failures_exit_2() {
    pingyi()
        .args(["build", "--today", "yesterday"])
        .assert()
        .code(2);
    pingyi().arg("publish").assert().code(2);
    let site = TestSite::valid();
    pingyi()
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("输出目录"));
}

#[test]
fn help_is_in_chinese() {
    pingyi()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("生成整个网站").and(predicate::str::contains("检查内容")));
    pingyi()
        .args(["build", "--help"])
        .assert()
        .stdout(predicate::str::contains("--today").and(predicate::str::contains("草稿")));
}

#[test]
fn a_missing_site_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    pingyi()
        .args(["build", "--root"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("site.yaml").and(predicate::str::contains("content")));
}

#[test]
fn quiet_prints_only_errors_and_verbose_everything() {
    let site = TestSite::valid();
    let build = |flag: &str| {
        pingyi()
            .args(["build", flag, "--today", "2024-11-27", "--root"])
            .arg(site.root())
            .assert()
            .code(0)
    };
    build("--quiet").stdout("").stderr("");
    let verbose = build("--verbose");
    let err = String::from_utf8(verbose.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("已逾期") && err.contains("各阶段用时"),
        "{err}"
    );
    // The summary: documents, pages, files, time, warnings.
    assert!(
        err.contains("已生成 4 篇文档、") && err.contains("个页面(共") && err.contains("1 个警告"),
        "{err}"
    );

    // Piped, even with a pinned slow build there is no progress bar or colour.
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");

    let broken = TestSite::valid().file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("speaker: 李明华", "speker: 李明华"),
    );
    pingyi()
        .args(["check", "-q", "--today", "2024-11-27", "--root"])
        .arg(broken.root())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("未知字段 `speker`")
                .and(predicate::str::contains("已逾期").not()),
        );
}

#[test]
fn no_color_turns_colour_off() {
    // Standard error is not a terminal here, so colour is off anyway; NO_COLOR must not turn
    // it on or break anything.
    let site = TestSite::valid();
    pingyi()
        .env("NO_COLOR", "1")
        .args(["check", "--today", "2024-11-27", "--root"])
        .arg(site.root())
        .assert()
        .code(0)
        .stderr(
            predicate::str::contains("✔ 检查通过").and(predicate::str::contains("\u{1b}[").not()),
        );
}

#[test]
fn check_format_json_is_for_ci() {
    let site = TestSite::valid().file(
        "content/2024/speeches/mobilization.md",
        &SPEECH.replace("speaker: 李明华", "speker: 李明华"),
    );
    let out = pingyi()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2024-11-27",
            "--root",
        ])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr("");
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 1);
    assert_eq!(v["warnings"], 1);
    let all = v["diagnostics"].as_array().unwrap();
    let first = all.iter().find(|d| d["severity"] == "error").unwrap();
    assert_eq!(first["file"], "content/2024/speeches/mobilization.md");
    assert_eq!(first["line"], 6);
    assert_eq!(first["column"], 1);
    assert_eq!(first["hint"], "是不是 `speaker`?");
    assert!(first["message"].as_str().unwrap().contains("speker"));

    let good = TestSite::valid();
    let out = pingyi()
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2024-11-27",
            "--root",
        ])
        .arg(good.root())
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        pingyi()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("init").and(predicate::str::contains("archive")));
    }
    pingyi()
        .arg("man")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(".ie").or(predicate::str::contains(".TH pingyi")))
        .stdout(predicate::str::contains("生成整个网站"));
    let dir = tempfile::tempdir().unwrap();
    pingyi()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .code(0);
    for page in [
        "pingyi.1",
        "pingyi-build.1",
        "pingyi-new.1",
        "pingyi-init.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page}");
    }
}
