//! Placeholders and 错敏词: a published document that still says 待填写, or says a word the
//! site has ruled out, fails the build at the very place, every such place at once; a draft,
//! a YAML comment and an editor's `<!-- -->` note may say anything.

use crate::support::*;

const SPEECH_PATH: &str = "content/2024/speeches/mobilization.md";

/// The small valid site with its speech written as `speech`.
fn with_speech(speech: &str) -> TestSite {
    TestSite::valid().file(SPEECH_PATH, speech)
}

/// (line, column, message) of each error.
fn located(site: &TestSite) -> Vec<(usize, usize, String)> {
    site.errors()
        .into_iter()
        .map(|d| (d.line.unwrap(), d.column.unwrap(), d.message))
        .collect()
}

#[test]
fn placeholders_in_a_published_document_are_errors_where_they_stand() {
    let speech = SPEECH
        .replace("speaker: 李明华", "speaker: 待填写")
        .replace(
            "同志们:今天召开动员会。",
            "同志们:在这里写讲话正文。TODO 补充数据。",
        );
    // Published once as it was; then the placeholders come in.
    let site = TestSite::valid().built();
    let before = snapshot(&site.out());
    let site = site.file(SPEECH_PATH, &speech);
    let errors = located(&site);
    // Every one at once: the field, and both in the body line.
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert_eq!((errors[0].0, errors[0].1), (6, 10));
    assert!(
        errors[0].2.contains("「待填写」是占位文字"),
        "{}",
        errors[0].2
    );
    assert_eq!((errors[1].0, errors[1].1), (11, 5));
    assert!(errors[1].2.contains("「在这里写」"));
    assert_eq!((errors[2].0, errors[2].1), (11, 14));
    assert!(errors[2].2.contains("「TODO」"));
    let d = &site.errors()[0];
    assert_eq!(d.path, std::path::Path::new(SPEECH_PATH));
    assert!(d.hint.as_deref().unwrap().contains("draft: true"));
    // The site published before is untouched.
    assert_eq!(snapshot(&site.out()), before);
}

#[test]
fn drafts_comments_and_editor_notes_may_say_anything() {
    // A draft: `pingyi new` writes 待填写 into every draft it makes.
    let draft = SPEECH
        .replace("speaker: 李明华", "speaker: 待填写")
        .replace("tags: [工作评议]", "tags: [工作评议]\ndraft: true");
    with_speech(&draft).built();
    // A YAML comment and a note in the body are not published.
    let noted = SPEECH
        .replace("speaker: 李明华", "speaker: 李明华  # 待填写职务")
        .replace(
            "同志们:今天召开动员会。",
            "同志们:今天召开动员会。<!-- TODO 核对\n在这里写 -->",
        );
    let site = with_speech(&noted).built();
    assert!(
        !site
            .read("2024/speeches/mobilization/index.html")
            .contains("TODO")
    );
}

#[test]
fn the_site_adds_placeholders_and_forbidden_words() {
    let site_yaml = format!(
        "{SITE_YAML}placeholders: [某某某]\nforbidden_words:\n  - 测试市城乡建设委员会\n  - {{word: 李明化, use: 李明华}}\n"
    );
    let speech = SPEECH
        .replace(
            "title: 在工作评议动员会上的讲话",
            "title: 李明化在工作评议动员会上的讲话",
        )
        .replace(
            "同志们:今天召开动员会。",
            "同志们:今天召开动员会,某某某出席。测试市城乡建设委员会",
        );
    let site = with_speech(&speech).file("site.yaml", &site_yaml);
    let errors = site.errors();
    let found: Vec<_> = errors
        .iter()
        .map(|d| {
            (
                d.line.unwrap(),
                d.message.clone(),
                d.hint.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].0, 2);
    assert!(found[0].1.contains("「李明化」是本站不能使用的词"));
    assert_eq!(found[0].2, "改为「李明华」");
    assert_eq!(found[1].0, 11);
    assert!(found[1].1.contains("「某某某」是占位文字"));
    assert_eq!(found[2].0, 11);
    assert!(found[2].1.contains("「测试市城乡建设委员会」"));
    assert_eq!(found[2].2, "请改写这一处");

    // Without the words, the same site builds.
    with_speech(&speech).built();
}
