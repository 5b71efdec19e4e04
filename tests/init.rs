//! `pingyi init` and `pingyi new` as an office runs them from a fresh folder: the new site
//! builds and passes `check` with the built-in theme, every new document builds, and neither
//! command overwrites a file.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::*;

const TODAY: &str = "2026-05-12";

fn pingyi() -> Command {
    Command::cargo_bin("pingyi").unwrap()
}

/// `pingyi init DIR` run from an empty working folder, as an office would.
fn init(cwd: &Path, dir: &str, extra: &[&str]) {
    pingyi()
        .current_dir(cwd)
        .args(["init", dir, "--today", TODAY])
        .args(extra)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("已在"));
}

fn build(root: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pingyi()
        .args(["build", "--today", TODAY, "--root"])
        .arg(root)
        .args(extra)
        .assert()
}

#[test]
fn init_then_build_gives_a_site_that_passes_check() {
    let cwd = tempfile::tempdir().unwrap();
    init(cwd.path(), "新网站", &[]);
    let root = cwd.path().join("新网站");
    for file in [
        "site.yaml",
        "编辑指南.md",
        ".gitignore",
        "content/about.md",
        "content/statement.md",
        "content/2026/review.md",
        "content/2026/speeches/mobilization-speech.md",
        "content/2026/notices/review-plan.md",
        "content/2026/rectifications/housing-round-1.md",
        "content/2026/opinions/housing.md",
        "content/2026/investigations/housing.md",
    ] {
        assert!(root.join(file).is_file(), "{file} not written");
    }
    // The theme comes from the binary unless asked for.
    assert!(!root.join("themes").exists());
    let site_yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    assert!(site_yaml.lines().filter(|l| l.contains('#')).count() > 10);

    build(&root, &[]).code(0).stderr(
        predicate::str::contains("已生成 8 篇文档").and(predicate::str::contains("警告").not()),
    );
    for page in [
        "index.html",
        "reviews/2026/index.html",
        "2026/speeches/mobilization-speech/index.html",
        "2026/notices/review-plan/index.html",
        "2026/rectifications/housing-round-1/index.html",
        "2026/opinions/housing/index.html",
        "2026/investigations/housing/index.html",
        "opinions/index.html",
        "investigations/index.html",
        "about/index.html",
        "statement/index.html",
        "sitemap/index.html",
        "favicon.ico",
        "assets/site.css",
    ] {
        assert!(root.join("public").join(page).is_file(), "{page} not built");
    }
    pingyi()
        .args(["check", "--today", TODAY, "--root"])
        .arg(&root)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("检查通过").and(predicate::str::contains("警告").not()));
}

#[test]
fn the_built_in_theme_is_the_repository_theme() {
    let cwd = tempfile::tempdir().unwrap();
    init(cwd.path(), "builtin", &[]);
    init(cwd.path(), "copied", &["--copy-theme"]);
    let builtin = cwd.path().join("builtin");
    let copied = cwd.path().join("copied");
    assert_eq!(
        snapshot(&copied.join("themes/default")),
        snapshot(&repo().join("themes/default"))
            .into_iter()
            .filter(|(p, _)| !p.to_string_lossy().split('/').any(|c| c.starts_with('.')))
            .collect::<Vec<_>>(),
        "init --copy-theme wrote a theme other than the repository's"
    );
    build(&builtin, &[]).code(0);
    build(&copied, &[]).code(0);
    assert_eq!(
        snapshot(&builtin.join("public")),
        snapshot(&copied.join("public")),
        "the built-in theme builds a different site from the copied one"
    );
}

#[test]
fn a_site_without_its_own_theme_uses_the_built_in_one() {
    let site = TestSite::valid();
    std::fs::remove_dir_all(site.root().join("themes")).unwrap();
    let site = site
        .file(
            "templates/404.html",
            "{% extends \"base.html\" %}{% block content %}站点自己的 404{% endblock %}",
        )
        .built();
    assert!(
        site.read("index.html")
            .contains("测试市人大常委会工作评议公开网")
    );
    assert!(site.read("404.html").contains("站点自己的 404"));
    assert!(site.out().join("assets/site.css").is_file());

    // Another theme that is missing is still an error.
    let site = TestSite::valid().file("site.yaml", &format!("{SITE_YAML}theme: other\n"));
    let errors = site.errors();
    assert!(
        errors[0].message.contains("找不到主题 `other`"),
        "{errors:?}"
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let cwd = tempfile::tempdir().unwrap();
    std::fs::create_dir(cwd.path().join("site")).unwrap();
    std::fs::write(cwd.path().join("site/notes.txt"), "mine").unwrap();
    pingyi()
        .current_dir(cwd.path())
        .args(["init", "site"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("不是空目录"));
    assert_eq!(
        std::fs::read_to_string(cwd.path().join("site/notes.txt")).unwrap(),
        "mine"
    );
    assert!(!cwd.path().join("site/site.yaml").exists());

    // A folder with only hidden entries (a fresh `git init`) is fine.
    std::fs::create_dir_all(cwd.path().join("repo/.git")).unwrap();
    init(cwd.path(), "repo", &[]);
}

fn new(root: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    pingyi().current_dir(root).arg("new").args(args).assert()
}

#[test]
fn new_gives_a_document_of_every_type_that_builds() {
    let cwd = tempfile::tempdir().unwrap();
    init(cwd.path(), "site", &[]);
    let root = cwd.path().join("site");
    let date = ["--date", TODAY];
    let cases: [(&[&str], &str); 9] = [
        (
            &["speech", "在评议推进会上的讲话"],
            "content/2026/speeches/zai-ping-yi-tui-jin-hui-shang-de-jiang-hua.md",
        ),
        (
            &[
                "notice",
                "关于公开征求意见的公告",
                "--department",
                "transport",
            ],
            "content/2026/notices/guan-yu-gong-kai-zheng-qiu-yi-jian-de-gong-gao.md",
        ),
        (
            &[
                "rectification",
                "交通运输局整改情况报告",
                "--department",
                "transport",
                "--review",
                "2026",
            ],
            "content/2026/rectifications/jiao-tong-yun-shu-ju-zheng-gai-qing-kuang-bao-gao.md",
        ),
        (&["page", "联系我们"], "content/lian-xi-wo-men.md"),
        (
            &[
                "opinion",
                "关于交通运输局工作的评议意见",
                "--department",
                "transport",
            ],
            "content/2026/opinions/guan-yu-jiao-tong-yun-shu-ju-gong-zuo-de-ping-yi-yi-jian.md",
        ),
        // Chinese aliases of the new kinds.
        (
            &["调查", "交通运输局调查报告"],
            "content/2026/investigations/jiao-tong-yun-shu-ju-diao-cha-bao-gao.md",
        ),
        // Chinese aliases of the types; no pinyin in the title: the date is the slug.
        (&["讲话", "、、"], "content/2026/speeches/2026-05-12.md"),
        (
            &[
                "review",
                "2027年度工作评议",
                "--department",
                "housing",
                "--date",
                "2027-01-04",
            ],
            "content/2027/review.md",
        ),
        // An opinion goes to the first department of its review when none is asked for.
        (
            &[
                "评议意见",
                "意见",
                "--slug",
                "yi-jian",
                "--date",
                "2027-01-04",
            ],
            "content/2027/opinions/yi-jian.md",
        ),
    ];
    for (args, path) in cases {
        let mut all: Vec<&str> = args.to_vec();
        if !all.contains(&"--date") {
            all.extend(date);
        }
        new(&root, &all)
            .code(0)
            // The path as the platform writes it: `content\2026\…` on Windows.
            .stdout(format!(
                "{}\n",
                path.replace('/', std::path::MAIN_SEPARATOR_STR)
            ))
            .stderr(predicate::str::contains("已新建"));
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        assert!(text.contains("draft: true"), "{path}:\n{text}");
    }
    let opinion = std::fs::read_to_string(root.join("content/2027/opinions/yi-jian.md")).unwrap();
    assert!(opinion.contains("type: opinion\n"), "{opinion}");
    assert!(opinion.contains("department: housing "), "{opinion}");
    let text = std::fs::read_to_string(root.join(cases[0].1)).unwrap();
    assert!(text.starts_with("---\ntitle: 在评议推进会上的讲话\ntype: speech\ndate: 2026-05-12"));
    assert!(text.contains("review: \"2026\""), "{text}");

    // Drafts are left out of a production build, which therefore still passes...
    build(&root, &[]).code(0);
    // ...and a preview with drafts renders every new document.
    pingyi()
        .args(["build", "--drafts", "--today", "2027-01-04", "--root"])
        .arg(&root)
        .assert()
        .code(0);
    for page in [
        "2026/speeches/zai-ping-yi-tui-jin-hui-shang-de-jiang-hua/index.html",
        "2026/notices/guan-yu-gong-kai-zheng-qiu-yi-jian-de-gong-gao/index.html",
        "2026/rectifications/jiao-tong-yun-shu-ju-zheng-gai-qing-kuang-bao-gao/index.html",
        "2026/speeches/2026-05-12/index.html",
        "2026/opinions/guan-yu-jiao-tong-yun-shu-ju-gong-zuo-de-ping-yi-yi-jian/index.html",
        "2026/investigations/jiao-tong-yun-shu-ju-diao-cha-bao-gao/index.html",
        "lian-xi-wo-men/index.html",
        "reviews/2027/index.html",
        "2027/opinions/yi-jian/index.html",
    ] {
        assert!(root.join("public").join(page).is_file(), "{page} not built");
    }
}

#[test]
fn new_refuses_to_overwrite_and_names_what_is_unknown() {
    let cwd = tempfile::tempdir().unwrap();
    init(cwd.path(), "site", &[]);
    let root = cwd.path().join("site");
    let existing = root.join("content/2026/speeches/mobilization-speech.md");
    let before = std::fs::read(&existing).unwrap();
    new(
        &root,
        &[
            "speech",
            "另一篇讲话",
            "--slug",
            "mobilization-speech",
            "--date",
            TODAY,
        ],
    )
    .code(2)
    .stderr(predicate::str::contains("已存在").and(predicate::str::contains("不会覆盖")));
    assert_eq!(std::fs::read(&existing).unwrap(), before);

    new(
        &root,
        &["notice", "通知", "--department", "housng", "--date", TODAY],
    )
    .code(2)
    .stderr(predicate::str::contains("未知部门 `housng`").and(predicate::str::contains("housing")));
    new(
        &root,
        &["speech", "讲话", "--review", "2025", "--date", TODAY],
    )
    .code(2)
    .stderr(predicate::str::contains("未知评议活动 `2025`"));
    new(&root, &["page", "关于", "--slug", "关于本站"])
        .code(2)
        .stderr(predicate::str::contains("guan-yu-ben-zhan"));
    new(&root, &["review", "又一个2026年度评议", "--date", TODAY])
        .code(2)
        .stderr(predicate::str::contains("评议活动 `2026` 已存在"));
    // Next year's review, announced this year: its year comes from its title; both commands
    // the refusal above names work as written.
    let refusal = new(&root, &["review", "工作评议", "--date", TODAY])
        .code(2)
        .get_output()
        .stderr
        .clone();
    let refusal = String::from_utf8(refusal).unwrap();
    assert!(
        refusal.contains("pingyi new review \"2027年度工作评议\"")
            && refusal.contains("pingyi new review \"2026年度专题评议\" --review 2026-special"),
        "{refusal}"
    );
    new(&root, &["review", "2027年度工作评议", "--date", TODAY]).code(0);
    let text = std::fs::read_to_string(root.join("content/2027/review.md")).unwrap();
    assert!(
        text.contains("id: \"2027\"") && text.contains("year: 2027"),
        "{text}"
    );
    assert!(
        text.contains("start: 2027-01-01") && !text.contains("start: 2026"),
        "{text}"
    );
    new(
        &root,
        &[
            "review",
            "2026年度专题评议",
            "--review",
            "2026-special",
            "--date",
            TODAY,
        ],
    )
    .code(0);
    assert!(root.join("content/2026/review-2026-special.md").is_file());

    // Outside a site.
    new(cwd.path(), &["speech", "讲话"]).code(2).stderr(
        predicate::str::contains("找不到 site.yaml").and(predicate::str::contains("pingyi init")),
    );
}

#[test]
fn new_opinion_goes_to_a_department_without_one_and_refuses_a_second() {
    let cwd = tempfile::tempdir().unwrap();
    init(cwd.path(), "site", &[]);
    let root = cwd.path().join("site");
    // The starter's review has housing's opinion already: a new one goes to transport.
    new(
        &root,
        &["opinion", "评议意见", "--slug", "a", "--date", TODAY],
    )
    .code(0)
    .stdout(predicate::str::contains("a.md"));
    let text = std::fs::read_to_string(root.join("content/2026/opinions/a.md")).unwrap();
    assert!(text.contains("department: transport"), "{text}");
    // A second opinion to housing is refused, naming the one there is; nothing is written.
    new(
        &root,
        &[
            "opinion",
            "又一份意见",
            "--department",
            "housing",
            "--slug",
            "b",
            "--date",
            TODAY,
        ],
    )
    .code(2)
    .stderr(
        predicate::str::contains("已有给部门 `housing` 的评议意见")
            .and(predicate::str::contains("content/2026/opinions/housing.md")),
    );
    assert!(!root.join("content/2026/opinions/b.md").exists());
}
