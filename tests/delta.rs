//! Delta packages as an office uses them across a one-way gateway: `pingyi delta` between the
//! copy of what was published and a new build, `pingyi apply` on the server's copy. The copy
//! ends as the new build byte for byte, or, for a wrong folder, a damaged or tampered package
//! or an interrupted run, stays exactly as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pingyi::bundle::{Held, read_zip_bytes, sha256_hex, zip_files};

use crate::support::{TestSite, snapshot};

/// A published site and the next build of it, with the package between them.
struct Transfer {
    site: TestSite,
    /// The copy kept of what was published.
    old: PathBuf,
    /// The server's copy, to be updated.
    server: PathBuf,
    zip: PathBuf,
}

impl Transfer {
    fn new() -> Transfer {
        let site = TestSite::valid().built();
        let old = site.root().join("已发布");
        copy(&site.out(), &old);
        // A change, an addition and a removal.
        let site = site
            .file(
                "content/2024/speeches/mobilization.md",
                &crate::support::SPEECH.replace("今天召开动员会", "今天召开全市动员会"),
            )
            .file("static/files/guide.txt", "办事指南");
        std::fs::remove_file(site.root().join("content/2024/rectifications/transport.md")).unwrap();
        let site = site.built();
        let server = site.root().join("www");
        copy(&old, &server);
        let zip = site.root().join("更新.zip");
        Transfer {
            site,
            old,
            server,
            zip,
        }
    }

    fn new_site(&self) -> PathBuf {
        self.site.out()
    }

    fn delta(&self) -> assert_cmd::assert::Assert {
        pingyi(&["delta"])
            .arg(&self.old)
            .arg(self.new_site())
            .arg("--output")
            .arg(&self.zip)
            .assert()
    }

    fn apply(&self, zip: &Path) -> assert_cmd::assert::Assert {
        pingyi(&["apply"])
            .arg(zip)
            .arg("--to")
            .arg(&self.server)
            .assert()
    }

    /// The package's entries, by name.
    fn entries(&self) -> BTreeMap<String, Vec<u8>> {
        let mut held = Held::default();
        let bytes = std::fs::read(&self.zip).unwrap();
        read_zip_bytes(&self.zip, &bytes, &mut held, &|_| Some(u64::MAX)).unwrap();
        held.files
    }

    /// The package rewritten by `change`, saved beside it.
    fn tampered(&self, change: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) -> PathBuf {
        let mut files = self.entries();
        change(&mut files);
        let path = self.site.root().join("tampered.zip");
        std::fs::write(&path, zip_files(&files, zip::DateTime::default()).unwrap()).unwrap();
        path
    }

    fn fingerprint(&self) -> String {
        sha256_hex(&self.entries()["manifest.json"])
    }
}

fn pingyi(args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("pingyi").unwrap();
    c.env("NO_COLOR", "1").args(args);
    c
}

fn copy(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn a_package_turns_a_copy_of_the_published_site_into_the_new_build() {
    let t = Transfer::new();
    let made = t.delta().success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&t.entries()["manifest.json"]).unwrap();
    // pingyi's marker is left out of what is counted, as `build` leaves it out.
    let count = |k: &str| {
        let list = manifest[k].as_array().unwrap().iter();
        list.filter(|v| *v != ".pingyi-manifest" && v["path"] != ".pingyi-manifest")
            .count()
    };
    assert!(manifest["added"].to_string().contains("files/guide.txt"));
    assert!(manifest["changed"].to_string().contains("2024/speeches/"));
    assert!(
        manifest["removed"]
            .to_string()
            .contains("2024/rectifications/")
    );
    let size = std::fs::metadata(&t.zip).unwrap().len() as f64 / 1e3;
    let f = t.fingerprint();
    assert_eq!(
        stderr(&made),
        format!(
            "✔ 已生成差异包 {}:新增 {} 个、改动 {} 个、删除 {} 个文件,共 {size:.1} KB(新版网站共 {} 个文件)\n\
             清单指纹(SHA-256): {f}\n请记下这个指纹,在服务器上运行 pingyi apply 时核对\n",
            t.zip.display(),
            count("added"),
            count("changed"),
            count("removed"),
            count("new")
        )
    );

    // A dry run lists what would change and changes nothing.
    let before = snapshot(&t.server);
    let dry = pingyi(&["apply", "--dry-run", "--to"])
        .arg(&t.server)
        .arg(&t.zip)
        .assert()
        .success();
    assert!(stderr(&dry).contains("  新增: files/guide.txt\n"));
    assert!(stderr(&dry).ends_with(&format!(
        "✔ {} 与差异包的旧版网站一致;应用后将新增 {} 个、改动 {} 个、删除 {} 个文件(--dry-run:没有改动任何文件)\n",
        t.server.display(),
        count("added"),
        count("changed"),
        count("removed")
    )));
    assert_eq!(snapshot(&t.server), before);

    let applied = pingyi(&["apply", "--fingerprint", &f.to_uppercase(), "--to"])
        .arg(&t.server)
        .arg(&t.zip)
        .assert()
        .success();
    assert_eq!(
        stderr(&applied),
        format!(
            "清单指纹(SHA-256): {f}\n✔ 已更新 {}:新增 {} 个、改动 {} 个、删除 {} 个文件;全部 {} 个文件与新版网站一致\n",
            t.server.display(),
            count("added"),
            count("changed"),
            count("removed"),
            count("new")
        )
    );
    assert_eq!(snapshot(&t.server), snapshot(&t.new_site()));

    // Run again, it finds the work done.
    let again = t.apply(&t.zip).success();
    assert!(stderr(&again).contains("已经是差异包的新版网站,无需应用"));
    assert_eq!(snapshot(&t.server), snapshot(&t.new_site()));
}

#[test]
fn the_same_two_sites_give_the_same_bytes() {
    let t = Transfer::new();
    t.delta().success();
    let first = std::fs::read(&t.zip).unwrap();
    // Made again later, from a fresh copy of both (new file times).
    let (old2, new2) = (t.site.root().join("old2"), t.site.root().join("new2"));
    copy(&t.old, &old2);
    copy(&t.new_site(), &new2);
    let again = t.site.root().join("again.zip");
    pingyi(&["delta"])
        .arg(&old2)
        .arg(&new2)
        .arg("-o")
        .arg(&again)
        .assert()
        .success();
    assert_eq!(std::fs::read(again).unwrap(), first);
}

#[test]
fn a_folder_that_is_not_the_old_site_is_refused_and_left_alone() {
    let t = Transfer::new();
    t.delta().success();
    let page = t.server.join("2024/notices/plan/index.html");
    std::fs::write(&page, "改过的页面").unwrap();
    let before = snapshot(&t.server);
    let refused = t.apply(&t.zip).code(1);
    assert_eq!(
        stderr(&refused),
        format!(
            "清单指纹(SHA-256): {}\n  被改动: 2024/notices/plan/index.html\n\
             ✘ {} 不是制作差异包时的旧版网站:缺失 0 个、被改动 1 个、多出 0 个文件;没有改动任何文件。\
             请确认目录选对了;服务器上的网站若被改过,请把它原样带回编辑端作为旧版,重新制作差异包\n",
            t.fingerprint(),
            t.server.display()
        )
    );
    assert_eq!(snapshot(&t.server), before);

    // A file added by hand, or one missing, is named the same way.
    copy(&t.old, &t.server);
    std::fs::write(t.server.join("baidu_verify.html"), "x").unwrap();
    std::fs::remove_file(t.server.join("404.html")).unwrap();
    let refused = t.apply(&t.zip).code(1);
    assert!(
        stderr(&refused).contains("  缺失: 404.html\n  多出(旧版网站中没有): baidu_verify.html\n")
    );
    assert!(t.server.join("baidu_verify.html").exists());
}

#[test]
fn a_tampered_package_is_refused_and_changes_nothing() {
    let t = Transfer::new();
    t.delta().success();
    let before = snapshot(&t.server);
    let damaged = |lines: &str, problems: usize| {
        format!(
            "{lines}✘ 差异包已损坏或被改动({problems} 处问题);没有改动任何文件。请重新拷贝差异包,或在编辑端重新生成\n"
        )
    };
    let f = t.fingerprint();

    // A carried file altered.
    let zip = t.tampered(|files| {
        files.get_mut("files/files/guide.txt").unwrap().push(b'!');
    });
    let a = t.apply(&zip).code(1);
    assert_eq!(
        stderr(&a),
        format!(
            "清单指纹(SHA-256): {f}\n{}",
            damaged("  被改动: files/files/guide.txt\n", 1)
        )
    );
    assert_eq!(snapshot(&t.server), before);

    // The manifest altered: one hash, then so that it does not parse.
    let zip = t.tampered(|files| {
        let m = String::from_utf8(files["manifest.json"].clone()).unwrap();
        let guide = &m[m.find("\"files/guide.txt\"").unwrap()..];
        let at = m.len() - guide.len() + guide.find("\"sha256\": \"").unwrap() + 11;
        let mut m = m.into_bytes();
        m[at] = if m[at] == b'0' { b'1' } else { b'0' };
        files.insert("manifest.json".into(), m);
    });
    assert!(stderr(&t.apply(&zip).code(1)).contains("  被改动: files/files/guide.txt\n"));
    let zip = t.tampered(|files| {
        files.get_mut("manifest.json").unwrap().truncate(100);
    });
    let a = t.apply(&zip).code(1);
    assert!(
        stderr(&a).contains("  manifest.json 无法解析: "),
        "{}",
        stderr(&a)
    );
    assert!(stderr(&a).ends_with(&damaged("", 1)));
    assert_eq!(snapshot(&t.server), before);

    // An entry that climbs out of the folder (zip-slip), one absolute, a file not listed.
    let zip = t.tampered(|files| {
        files.insert("files/../../evil.html".into(), b"x".to_vec());
        files.insert("/tmp/evil.html".into(), b"x".to_vec());
        files.insert("files/extra.html".into(), b"x".to_vec());
    });
    let a = t.apply(&zip).code(1);
    assert_eq!(
        stderr(&a),
        format!(
            "清单指纹(SHA-256): {f}\n{}",
            damaged(
                "  路径不安全(会写到目标目录之外): /tmp/evil.html\n  \
                 路径不安全(会写到目标目录之外): files/../../evil.html\n  \
                 多出(清单中没有): files/extra.html\n",
                3
            )
        )
    );
    assert_eq!(snapshot(&t.server), before);
    assert!(!t.site.root().join("evil.html").exists());

    // A file that is not a zip at all (a transfer cut short), and a fingerprint not the one
    // written down.
    let cut = t.site.root().join("cut.zip");
    let bytes = std::fs::read(&t.zip).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let a = t.apply(&cut).code(1);
    assert!(stderr(&a).starts_with(&format!(
        "  {} 不是有效的 zip 文件(可能不完整或已损坏)",
        cut.display()
    )));
    let a = pingyi(&["apply", "--fingerprint", "0123", "--to"])
        .arg(&t.server)
        .arg(&t.zip)
        .assert()
        .code(1);
    assert!(stderr(&a).contains(&format!(
        "✘ 清单指纹不一致:应为 0123, 差异包的是 {f};没有改动任何文件"
    )));
    assert_eq!(snapshot(&t.server), before);
}

/// An apply stopped once the new site is staged, before the swap, leaves the folder it was to
/// update as it was, and its staging folder as a killed process would (here, damaged further:
/// a file cut short, one of another run). The next apply reuses or removes what it left and
/// ends with the new site; nothing of it is left beside the folder.
#[test]
fn an_interrupted_apply_leaves_the_folder_as_it_was_and_the_next_one_finishes() {
    let t = Transfer::new();
    t.delta().success();
    let before = snapshot(&t.server);
    let package = pingyi::delta::open(&t.zip).map_err(|e| e.1).unwrap();
    let staging = t.site.root().join(".www.pingyi-staging");
    let kept = t.site.root().join("kept-staging");
    let stop = |dir: &Path| {
        assert_eq!(dir, staging);
        copy(dir, &kept);
        Err(std::io::Error::other("stopped"))
    };
    let e = pingyi::delta::apply_with(&package, &t.server, &stop).unwrap_err();
    assert!(matches!(e, pingyi::delta::Error::Io(m) if m.contains("stopped")));
    assert_eq!(snapshot(&t.server), before);

    // What a kill would have left.
    std::fs::rename(&kept, &staging).unwrap();
    std::fs::write(staging.join("index.html"), "半个页").unwrap();
    std::fs::write(staging.join("leftover.html"), "x").unwrap();
    assert_eq!(snapshot(&t.server), before);
    t.apply(&t.zip).success();
    assert_eq!(snapshot(&t.server), snapshot(&t.new_site()));
    assert!(!staging.exists());

    // A folder of that name that pingyi did not leave is not its to remove: refused.
    copy(&t.old, &t.server.with_file_name("www2"));
    let other = t.site.root().join(".www2.pingyi-staging");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "someone's").unwrap();
    let a = pingyi(&["apply", "--to"])
        .arg(t.server.with_file_name("www2"))
        .arg(&t.zip)
        .assert()
        .code(2);
    assert!(stderr(&a).contains("不是 pingyi 留下的"), "{}", stderr(&a));
    assert!(other.join("notes.txt").exists());
}

#[test]
fn delta_refuses_a_missing_site_and_a_package_inside_one() {
    let t = Transfer::new();
    let missing = t.site.root().join("没有这个目录");
    let a = pingyi(&["delta"])
        .arg(&missing)
        .arg(t.new_site())
        .arg("-o")
        .arg(&t.zip)
        .assert()
        .code(2);
    assert_eq!(
        stderr(&a),
        format!(
            "✘ 找不到旧版网站目录 {}(应是 pingyi build 生成的目录);没有生成差异包\n",
            missing.display()
        )
    );
    let inside = t.new_site().join("更新.zip");
    let a = pingyi(&["delta"])
        .arg(&t.old)
        .arg(t.new_site())
        .arg("-o")
        .arg(&inside)
        .assert()
        .code(2);
    assert_eq!(
        stderr(&a),
        format!(
            "✘ 差异包 {} 不能写在新版网站目录 {} 之中:它会成为网站的一个文件;没有生成差异包\n",
            inside.display(),
            t.new_site().display()
        )
    );
    assert!(!inside.exists());
    // A folder pingyi did not build.
    let a = pingyi(&["delta"])
        .arg(t.site.root().join("content"))
        .arg(t.new_site())
        .arg("-o")
        .arg(&t.zip)
        .assert()
        .code(2);
    assert!(stderr(&a).contains("不是 pingyi build 生成的"));
}
