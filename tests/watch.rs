//! `pingyi watch` as an editor or a `git pull` would drive it: edits, additions, deletions,
//! renames, templates and `site.yaml`, broken saves and their fixes.

use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::*;

/// A running `pingyi watch`, stopped when dropped.
struct Watching {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Watching {
    fn start(site: &TestSite) -> Watching {
        Watching::start_with(site, &[])
    }

    fn start_with(site: &TestSite, extra: &[&str]) -> Watching {
        let mut child = pingyi_process()
            .args(["watch", "--today", "2024-11-27", "--root"])
            .arg(site.root())
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let log = collect_stderr(&mut child);
        let w = Watching { child, log };
        w.wait_log("首次生成", 1);
        w
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log says `needle` at least `times` times.
    fn wait_log(&self, needle: &str, times: usize) {
        wait_until(
            &format!("log to say {needle:?} {times}×"),
            || self.log().matches(needle).count() >= times,
            || self.log(),
        );
    }

    #[cfg(unix)]
    fn interrupt(mut self) -> std::process::ExitStatus {
        std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `ok` until it holds; a generous time-out, never a fixed sleep as the assertion.
fn wait_until(what: &str, mut ok: impl FnMut() -> bool, context: impl Fn() -> String) {
    let start = Instant::now();
    while !ok() {
        if start.elapsed() > Duration::from_secs(30) {
            panic!("timed out waiting for {what}\n{}", context());
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn write(site: &TestSite, rel: &str, text: &str) {
    let path = site.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn edits_additions_deletions_and_renames_show_up() {
    let site = TestSite::valid();
    let w = Watching::start(&site);
    let out = site.out();

    // Edit.
    write(
        &site,
        "content/2024/notices/plan.md",
        &NOTICE.replace("方案正文。", "修改后的方案正文。"),
    );
    wait_until(
        "edited page",
        || read(&out.join("2024/notices/plan/index.html")).contains("修改后的方案正文"),
        || w.log(),
    );

    // Add: its page, and the list it belongs to.
    write(
        &site,
        "content/2024/notices/extra.md",
        &NOTICE.replace("关于开展2024年度工作评议的实施方案", "新增的通知"),
    );
    wait_until(
        "new page",
        || out.join("2024/notices/extra/index.html").is_file(),
        || w.log(),
    );
    wait_until(
        "list updated",
        || read(&out.join("notices/index.html")).contains("新增的通知"),
        || w.log(),
    );

    // Rename: the old URL goes, the new one comes, the list follows.
    std::fs::rename(
        site.root().join("content/2024/notices/extra.md"),
        site.root().join("content/2024/notices/renamed.md"),
    )
    .unwrap();
    wait_until(
        "renamed page",
        || {
            out.join("2024/notices/renamed/index.html").is_file()
                && !out.join("2024/notices/extra").exists()
        },
        || w.log(),
    );

    // Delete.
    std::fs::remove_file(site.root().join("content/2024/notices/renamed.md")).unwrap();
    wait_until(
        "deleted page gone",
        || !out.join("2024/notices/renamed").exists(),
        || w.log(),
    );
    wait_until(
        "list without it",
        || !read(&out.join("notices/index.html")).contains("新增的通知"),
        || w.log(),
    );

    // A template of the site's own, then site.yaml.
    write(
        &site,
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>找不到了</h1>{% endblock content %}",
    );
    wait_until(
        "template override",
        || read(&out.join("404.html")).contains("找不到了"),
        || w.log(),
    );
    write(
        &site,
        "site.yaml",
        &SITE_YAML.replace("测试市人大常委会工作评议公开网", "改名后的公开网"),
    );
    wait_until(
        "new site title",
        || read(&out.join("index.html")).contains("改名后的公开网"),
        || w.log(),
    );
    // The rebuild's line comes once all its files are written.
    w.wait_log("site.yaml:", 1);

    // After all that, the output is what a clean build of the same files gives.
    let w_log = w.log();
    drop(w);
    let fresh = tempfile::tempdir().unwrap();
    pingyi::build(
        site.root(),
        &fresh.path().join("public"),
        &TestSite::options(),
    )
    .unwrap();
    let watched = snapshot(&out);
    let clean = snapshot(&fresh.path().join("public"));
    let names =
        |s: &[(std::path::PathBuf, Vec<u8>)]| s.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&watched), names(&clean), "{w_log}");
    assert!(watched == clean, "same files, different bytes");
}

#[test]
fn a_broken_save_keeps_the_site_and_the_fix_recovers() {
    let site = TestSite::valid();
    let w = Watching::start(&site);
    let out = site.out();
    let before = snapshot(&out);

    write(
        &site,
        "content/2024/notices/plan.md",
        &NOTICE.replace("date: 2024-02-10", "date: 2024-02-30"),
    );
    w.wait_log("保留上一次成功生成的网站", 1);
    assert!(
        w.log().contains("content/2024/notices/plan.md:4:7"),
        "{}",
        w.log()
    );
    assert_eq!(
        before,
        snapshot(&out),
        "a failed rebuild touched the output"
    );

    write(
        &site,
        "content/2024/notices/plan.md",
        &NOTICE.replace("方案正文。", "修好了。"),
    );
    wait_until(
        "recovered",
        || read(&out.join("2024/notices/plan/index.html")).contains("修好了"),
        || w.log(),
    );
}

#[test]
fn a_burst_of_files_gives_few_rebuilds_and_editor_junk_none() {
    let site = TestSite::valid();
    let w = Watching::start(&site);
    for i in 0..200 {
        write(
            &site,
            &format!("content/2024/notices/bulk{i:03}.md"),
            &NOTICE.replace("关于开展2024年度工作评议的实施方案", &format!("批量{i}")),
        );
    }
    wait_until(
        "all pages",
        || {
            (0..200).all(|i| {
                site.out()
                    .join(format!("2024/notices/bulk{i:03}/index.html"))
                    .is_file()
            })
        },
        || w.log(),
    );
    let rebuilds = w.log().matches("写入").count() - 1;
    // Under Wine the 200 writes themselves take seconds, not milliseconds: more bursts.
    let most = if cfg!(windows) { 30 } else { 10 };
    assert!(
        rebuilds <= most,
        "200 files gave {rebuilds} rebuilds:\n{}",
        w.log()
    );

    let settled = w.log();
    write(&site, "content/2024/notices/.plan.md.swp", "junk");
    write(&site, "content/2024/notices/plan.md~", "junk");
    write(&site, "content/2024/notices/4913", "");
    // Then a real change: the junk must not have caused a build before it.
    write(
        &site,
        "content/2024/notices/plan.md",
        &NOTICE.replace("方案正文。", "真正的改动。"),
    );
    wait_until(
        "real change",
        || read(&site.out().join("2024/notices/plan/index.html")).contains("真正的改动"),
        || w.log(),
    );
    let after = w.log()[settled.len()..].to_string();
    assert!(
        !after.contains(".swp") && !after.contains("4913") && !after.contains("plan.md~"),
        "{after}"
    );
}

#[test]
fn polling_sees_changes_too() {
    let site = TestSite::valid();
    let w = Watching::start_with(&site, &["--poll"]);
    write(
        &site,
        "content/2024/notices/plan.md",
        &NOTICE.replace("方案正文。", "轮询看到的改动。"),
    );
    wait_until(
        "polled change",
        || read(&site.out().join("2024/notices/plan/index.html")).contains("轮询看到的改动"),
        || w.log(),
    );
}

// Unix only: sends SIGINT. Ctrl-C on Windows: `walkthrough::ctrl_break_stops_the_preview`.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let site = TestSite::valid();
    let w = Watching::start(&site);
    let status = w.interrupt();
    assert!(status.success(), "{status:?}");
    let names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("pingyi")), "{names:?}");
    assert!(site.out().join("index.html").is_file());
}
