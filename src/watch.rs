//! Watching a site: file events are classified by a pure function (content, template, static,
//! config; the output folder and editor junk ignored), debounced, and each burst gives one
//! rebuild. `serve` is this loop plus a callback.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostic::Diagnostic;
use crate::load::{CONTENT_DIR, is_junk, slash_path};
use crate::pipeline::{BuildError, BuildReport, Builder, Change, Options};

/// How long a burst of events may last before the rebuild starts. Editors save in a few
/// events within milliseconds; a `git checkout` sends hundreds within tens of milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(15);

/// What `path` (absolute) means for a site at `root` (absolute) whose theme is `theme` and
/// whose output goes to `out` (absolute). `None`: not our business.
pub fn classify(root: &Path, theme: &str, out: &Path, path: &Path) -> Option<Change> {
    if path.starts_with(out) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() || parts.iter().any(|p| is_junk(p)) {
        return None;
    }
    let theme_dir = ["themes", theme];
    let (area, rest): (&str, &[String]) =
        if parts.len() >= 3 && parts[0] == theme_dir[0] && parts[1] == theme_dir[1] {
            (parts[2].as_str(), &parts[3..])
        } else if parts.len() == 2 && parts[0] == theme_dir[0] && parts[1] == theme_dir[1] {
            // The theme folder itself came or went.
            return Some(Change::Template);
        } else {
            (parts[0].as_str(), &parts[1..])
        };
    match area {
        CONFIG_FILE if rest.is_empty() && parts.len() == 1 => Some(Change::Config),
        CONTENT_DIR if parts.len() > 1 && parts[0] == CONTENT_DIR => {
            let last = parts.last().expect("not empty");
            let is_md = Path::new(last)
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("md"));
            Some(if is_md {
                // The pipeline names sources with `/`; a Windows event names them with `\`.
                Change::Content(slash_path(rel))
            } else {
                Change::Rescan
            })
        }
        CONTENT_DIR if parts.len() == 1 => Some(Change::Rescan),
        "templates" => Some(Change::Template),
        "static" => Some(Change::Static),
        _ => None,
    }
}

/// Opening and reading a file (our own builds read every template) is not a change; closing
/// a file written is.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// What happened, for the caller to show.
#[derive(Debug)]
pub enum WatchEvent {
    /// A build finished; `changed` names what triggered it (empty for the first build).
    Built {
        changed: Vec<String>,
        report: BuildReport,
    },
    /// A build failed; the last good site stays in place.
    Failed {
        changed: Vec<String>,
        diagnostics: Vec<Diagnostic>,
    },
    /// Writing failed (disk full, permissions).
    WriteFailed {
        changed: Vec<String>,
        message: String,
    },
}

/// Settings of the loop.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Poll the file system instead of listening for events (network shares, WSL, containers).
    pub poll: bool,
}

/// What one burst of events asks for.
#[derive(Debug, Default, PartialEq)]
struct Burst {
    changes: BTreeSet<Change>,
    /// The sources named, relative to the root, for the report.
    paths: BTreeSet<PathBuf>,
    /// The system dropped events: nothing says which files changed.
    lost: bool,
}

fn burst(
    batches: &[DebounceEventResult],
    root: &Path,
    theme: &str,
    out: &Path,
) -> Result<Burst, String> {
    let mut b = Burst::default();
    for batch in batches {
        let events = match batch {
            Ok(events) => events,
            Err(errors) => match errors.first() {
                Some(e) => return Err(watch_error(e)),
                None => continue,
            },
        };
        // The system's event queue overflowed (a burst of saves, an unzip; on Windows a full
        // ReadDirectoryChangesW buffer): everything is read again.
        if events.iter().any(|ev| ev.event.need_rescan()) {
            b.lost = true;
            b.changes.extend([Change::Config, Change::Rescan]);
        }
        for ev in events.iter().filter(|ev| is_change(&ev.event.kind)) {
            for p in &ev.event.paths {
                let Some(c) = classify(root, theme, out, p) else {
                    continue;
                };
                if let Some(rel) = p
                    .strip_prefix(root)
                    .ok()
                    .filter(|_| !matches!(c, Change::Rescan))
                {
                    b.paths.insert(slash_path(rel));
                }
                b.changes.insert(c);
            }
        }
    }
    Ok(b)
}

/// What a rebuild after lost events says it was for.
const LOST_EVENTS: &str = "改动太多,系统未能逐一报告:重新读取全部文件";

fn describe(changes: &BTreeSet<Change>, paths: &BTreeSet<PathBuf>) -> Vec<String> {
    let mut v: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    if v.is_empty() {
        v = changes.iter().map(|c| format!("{c:?}")).collect();
    }
    v
}

fn watch_error(e: &notify::Error) -> String {
    let limit = matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&e.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(28));
    if limit {
        "已达到系统的文件监视数量上限(inotify)。请运行 sudo sysctl fs.inotify.max_user_watches=524288 \
         提高上限(写入 /etc/sysctl.conf 可长期生效),或改用 --poll"
            .to_string()
    } else {
        format!("无法监视文件变化: {e};可以改用 --poll")
    }
}

/// The folders to watch: the site root itself (not recursively: `site.yaml` and the
/// appearance of `content/`, `templates/`, `static/`), and those folders and the theme,
/// recursively. Folders, not files: editors save by writing a new file and renaming it.
fn targets(root: &Path, theme: &str) -> Vec<(PathBuf, RecursiveMode)> {
    let mut v = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    for dir in [
        root.join(CONTENT_DIR),
        root.join("templates"),
        root.join("static"),
        root.join("themes"),
        root.join("themes").join(theme),
    ] {
        if dir.is_dir() {
            let mode = if dir.ends_with("themes") {
                RecursiveMode::NonRecursive
            } else {
                RecursiveMode::Recursive
            };
            v.push((dir, mode));
        }
    }
    v
}

/// Builds `root` into `out`, then rebuilds after every burst of changes until `stop` is set.
/// Every build is reported through `on_event`; a failed build keeps the last good output.
pub fn watch(
    root: &Path,
    out: &Path,
    opts: Options,
    wopts: &WatchOptions,
    stop: &AtomicBool,
    mut on_event: impl FnMut(WatchEvent),
) -> Result<(), String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("找不到站点目录 {}: {e}", root.display()))?;
    let out = std::path::absolute(out).map_err(|e| e.to_string())?;
    let mut builder = Builder::new(&root, opts);
    let report = |builder: &mut Builder,
                  changed: Vec<String>,
                  on_event: &mut dyn FnMut(WatchEvent)| {
        match builder.build(&out) {
            Ok(report) => on_event(WatchEvent::Built { changed, report }),
            Err(BuildError::Content(diagnostics)) => on_event(WatchEvent::Failed {
                changed,
                diagnostics,
            }),
            Err(BuildError::Io(message)) => on_event(WatchEvent::WriteFailed { changed, message }),
        }
    };
    let theme_of = |root: &Path| {
        Config::load(root)
            .map(|c| c.theme)
            .unwrap_or_else(|_| "default".into())
    };
    let mut theme = theme_of(&root);
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = watcher(wopts.poll, tx)?;
    let mut watched = targets(&root, &theme);
    for (dir, mode) in &watched {
        debouncer
            .watch_dir(dir, *mode)
            .map_err(|e| watch_error(&e))?;
    }
    // Watching starts before the first build, so a change made during it is not missed.
    report(&mut builder, Vec::new(), &mut on_event);

    while !stop.load(Ordering::SeqCst) {
        let first = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(r) => r,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        // Everything that arrived meanwhile, including during the last build, is one more build.
        let mut batches = vec![first];
        batches.extend(rx.try_iter());
        let Burst {
            changes,
            paths,
            lost,
        } = burst(&batches, &root, &theme, &out)?;
        if changes.is_empty() {
            continue;
        }
        let list: Vec<Change> = changes.iter().cloned().collect();
        builder.apply(&list);
        if changes.contains(&Change::Config)
            || changes.contains(&Change::Template)
            || changes.contains(&Change::Rescan)
        {
            // New folders or a new theme: watch what is there now.
            theme = theme_of(&root);
            let now = targets(&root, &theme);
            if now != watched {
                for (dir, _) in &watched {
                    let _ = debouncer.unwatch_dir(dir);
                }
                for (dir, mode) in &now {
                    debouncer
                        .watch_dir(dir, *mode)
                        .map_err(|e| watch_error(&e))?;
                }
                watched = now;
            }
        }
        let changed = if lost {
            vec![LOST_EVENTS.to_string()]
        } else {
            describe(&changes, &paths)
        };
        report(&mut builder, changed, &mut on_event);
    }
    Ok(())
}

/// The file watcher: the system's change events, or polling where they do not reach.
fn watcher(
    poll: bool,
    tx: mpsc::Sender<DebounceEventResult>,
) -> Result<Box<dyn WatchTarget>, String> {
    if poll {
        // The poller keeps times in whole seconds: a save within the second of the last scan
        // would be missed, so it compares contents too.
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(500))
            .with_compare_contents(true);
        Ok(Box::new(
            new_debouncer_opt::<_, notify::PollWatcher, notify_debouncer_full::NoCache>(
                DEBOUNCE,
                None,
                tx,
                notify_debouncer_full::NoCache,
                config,
            )
            .map_err(|e| watch_error(&e))?,
        ))
    } else {
        Ok(Box::new(
            new_debouncer(DEBOUNCE, None, tx).map_err(|e| watch_error(&e))?,
        ))
    }
}

/// The two debouncer types (events, polling) behind one face.
trait WatchTarget {
    fn watch_dir(&mut self, dir: &Path, mode: RecursiveMode) -> notify::Result<()>;
    fn unwatch_dir(&mut self, dir: &Path) -> notify::Result<()>;
}

impl<T: Watcher, C: notify_debouncer_full::FileIdCache + Send + 'static> WatchTarget
    for notify_debouncer_full::Debouncer<T, C>
{
    fn watch_dir(&mut self, dir: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.watch(dir, mode)
    }
    fn unwatch_dir(&mut self, dir: &Path) -> notify::Result<()> {
        self.unwatch(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(path: &str) -> Option<Change> {
        classify(
            Path::new("/site"),
            "default",
            Path::new("/site/public"),
            Path::new(path),
        )
    }

    fn events(evs: Vec<notify::Event>) -> DebounceEventResult {
        let now = std::time::Instant::now();
        Ok(evs
            .into_iter()
            .map(|e| notify_debouncer_full::DebouncedEvent::new(e, now))
            .collect())
    }

    fn burst_of(evs: Vec<notify::Event>) -> Burst {
        burst(
            &[events(evs)],
            Path::new("/site"),
            "default",
            Path::new("/site/public"),
        )
        .unwrap()
    }

    #[test]
    fn events_the_system_dropped_make_everything_read_again() {
        use notify::event::{Flag, ModifyKind};
        let edit = notify::Event::new(EventKind::Modify(ModifyKind::Any))
            .add_path(PathBuf::from("/site/content/2024/speeches/a.md"));
        let normal = burst_of(vec![edit.clone()]);
        assert!(!normal.lost);
        assert_eq!(
            normal.changes,
            BTreeSet::from([Change::Content(PathBuf::from("content/2024/speeches/a.md"))])
        );
        // An overflow arrives as one event without paths, beside whatever did arrive.
        let overflow = notify::Event::new(EventKind::Other).set_flag(Flag::Rescan);
        let lost = burst_of(vec![edit, overflow]);
        assert!(lost.lost);
        for needed in [Change::Config, Change::Rescan] {
            assert!(lost.changes.contains(&needed), "{:?}", lost.changes);
        }
    }

    #[test]
    fn events_are_classified() {
        assert_eq!(c("/site/site.yaml"), Some(Change::Config));
        assert_eq!(
            c("/site/content/2024/speeches/a.md"),
            Some(Change::Content(PathBuf::from("content/2024/speeches/a.md")))
        );
        assert_eq!(
            c("/site/content/2024/notices/plan.pdf"),
            Some(Change::Rescan)
        );
        assert_eq!(c("/site/content/2024"), Some(Change::Rescan));
        assert_eq!(c("/site/content"), Some(Change::Rescan));
        assert_eq!(c("/site/templates/base.html"), Some(Change::Template));
        assert_eq!(
            c("/site/themes/default/templates/base.html"),
            Some(Change::Template)
        );
        assert_eq!(
            c("/site/themes/default/static/assets/site.css"),
            Some(Change::Static)
        );
        assert_eq!(c("/site/static/logo.png"), Some(Change::Static));
    }

    #[cfg(windows)]
    #[test]
    fn windows_events_name_sources_as_the_pipeline_does() {
        let c = |path: &str| {
            classify(
                Path::new(r"C:\site"),
                "default",
                Path::new(r"C:\site\public"),
                Path::new(path),
            )
        };
        assert_eq!(
            c(r"C:\site\content\2024\notices\plan.md"),
            Some(Change::Content(PathBuf::from(
                "content/2024/notices/plan.md"
            )))
        );
        assert_eq!(c(r"C:\site\site.yaml"), Some(Change::Config));
        assert_eq!(c(r"C:\site\public\index.html"), None);
        assert_eq!(c(r"C:\site\content\2024\~$plan.docx"), None);
    }

    #[test]
    fn reading_is_not_changing() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn output_junk_and_strangers_are_ignored() {
        assert_eq!(c("/site/public/index.html"), None);
        assert_eq!(c("/site/.public.pingyi-staging/index.html"), None);
        assert_eq!(c("/site/content/2024/.a.md.swp"), None);
        assert_eq!(c("/site/content/2024/a.md~"), None);
        assert_eq!(c("/site/content/2024/4913"), None);
        assert_eq!(c("/site/content/.git/x.md"), None);
        assert_eq!(c("/site/themes/other/templates/base.html"), None);
        assert_eq!(c("/site/README.md"), None);
        assert_eq!(c("/site/target/debug/x"), None);
        assert_eq!(c("/elsewhere/site.yaml"), None);
        assert_eq!(
            classify(
                Path::new("/site"),
                "default",
                Path::new("/site/content/out"),
                Path::new("/site/content/out/a.md")
            ),
            None
        );
    }
}
