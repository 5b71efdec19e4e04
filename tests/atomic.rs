//! Publishing under faults: `pingyi build` killed (SIGKILL; on Windows TerminateProcess) at
//! moments spread over a whole build of a generated site leaves the output folder the complete
//! old site or the complete new one, never anything between; the next build removes what the
//! killed one left beside it. On Windows, where the swap takes two renames, a kill between them
//! may leave no output folder and the complete old site parked beside it, which the next build
//! puts back.

use crate::support::pingyi_process;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

// Under Wine (the Windows test run) a build is several times slower: a smaller site keeps the
// test to a minute there, with the kills spread over its builds all the same.
const DOCUMENTS: usize = if cfg!(windows) { 300 } else { 1200 };
const KILLS: usize = 12;

type Tree = BTreeMap<PathBuf, Vec<u8>>;

fn tree(dir: &Path) -> Tree {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn build(root: &Path, out: &Path) -> Command {
    let mut c = pingyi_process();
    c.arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(["--today", "2026-11-27"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Builds to completion; returns how long it took.
fn complete(root: &Path, out: &Path) -> Duration {
    let start = Instant::now();
    let status = build(root, out).status().unwrap();
    assert!(status.success(), "build of {} failed", root.display());
    start.elapsed()
}

/// What sits beside the output folder besides the sites' sources and the previous build.
fn leftovers(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !["a", "b", "public", ".public.pingyi-previous"].contains(&n.as_str()))
        .collect();
    v.sort();
    v
}

/// Waits, polling, until `ready`; the build must not end first.
fn wait_for(child: &mut std::process::Child, context: &str, ready: impl Fn() -> bool) {
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{context}: the build ended ({status}) before the moment to kill it");
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// xorshift64*, seeded from the clock and printed, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A scratch folder in memory when there is room (`/dev/shm`): the swap is the same there, and
/// a build does not wait for a slow disk to flush, so many more kills fit the test's time.
#[cfg(target_os = "linux")]
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let room = std::ffi::CString::new("/dev/shm").ok().and_then(|p| {
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: `p` is a NUL-terminated path and `st` a valid buffer for the call.
        (unsafe { libc::statvfs(p.as_ptr(), &mut st) } == 0)
            .then(|| st.f_bavail as u64 * st.f_frsize as u64)
    });
    match room {
        Some(bytes) if bytes > 2 << 30 => tempfile::tempdir_in(shm).unwrap(),
        _ => tempfile::tempdir().unwrap(),
    }
}

/// Elsewhere the system's temporary folder.
#[cfg(not(target_os = "linux"))]
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// What stands for the output folder after a kill: the folder, or, where the swap takes two
/// renames and the kill fell between them, the old site parked beside it.
fn published(out: &Path) -> Tree {
    if out.exists() || cfg!(target_os = "linux") {
        return tree(out);
    }
    let parked = out.with_file_name(".public.pingyi-old");
    assert!(
        parked.is_dir(),
        "no output folder, and no old site parked beside it"
    );
    tree(&parked)
}

/// The output folder's own identity, to see that the swap has happened: its inode; on
/// Windows, where a folder has none to read, the bytes of its home page.
fn identity(out: &Path) -> Option<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(out)
            .ok()
            .map(|m| m.ino().to_le_bytes().to_vec())
    }
    #[cfg(not(unix))]
    {
        std::fs::read(out.join("index.html")).ok()
    }
}

#[test]
fn killed_builds_leave_the_old_site_or_the_new_one() {
    let tmp = scratch();
    let (a, b, out) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("public"),
    );
    // Two versions of one site: every page differs between them.
    gen_corpus::generate(&a, DOCUMENTS, 1, 1000);
    gen_corpus::generate(&b, DOCUMENTS, 2, 1000);

    let t_a = complete(&a, &out);
    let site_a = tree(&out);
    let t_b = complete(&b, &out);
    let site_b = tree(&out);
    assert_ne!(site_a, site_b);
    assert!(site_a.len() > DOCUMENTS, "{} files", site_a.len());
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
    // The site a build replaces is kept beside it, whole; the next build is written over it.
    let previous = tmp.path().join(".public.pingyi-previous");
    assert_eq!(tree(&previous), site_a);
    // The whole build, from start to exit; kills are spread over 1.3 times that.
    let whole = t_a.max(t_b).as_secs_f64() * 1.3;

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let staging = tmp.path().join(".public.pingyi-staging");
    let mut published_b = true;
    let (mut kept_old, mut got_new, mut left_behind) = (0, 0, 0);
    for i in 0..KILLS {
        let (root, site) = if published_b {
            (&a, &site_a)
        } else {
            (&b, &site_b)
        };
        let old = if published_b { &site_b } else { &site_a };
        let old_identity = identity(&out);
        let mut child = build(root, &out).spawn().unwrap();
        // Three ways to pick the moment, in turn: at a random time of the whole build; as soon
        // as the staging folder appears (the new site half written); as soon as the output
        // folder is another one (swapped, the old site being removed).
        let mode = i % 3;
        let context = format!("kill {i} (mode {mode}, seed {seed})");
        match mode {
            0 => {
                let at = whole * ((i / 3) as f64 + rng.unit()) / (KILLS / 3) as f64;
                std::thread::sleep(Duration::from_secs_f64(at));
            }
            1 => wait_for(&mut child, &context, || staging.exists()),
            _ => wait_for(&mut child, &context, || {
                let now = identity(&out);
                now.is_some() && now != old_identity
            }),
        }
        let _ = child.kill();
        child.wait().unwrap();

        let now = published(&out);
        if &now == site {
            assert_ne!(mode, 1, "{context}: published while half written");
            got_new += 1;
            published_b = !published_b;
        } else {
            assert!(
                &now == old,
                "{context}: the output folder is neither the old site nor the new one \
                 ({} files; old {}, new {})",
                now.len(),
                old.len(),
                site.len()
            );
            assert_ne!(mode, 2, "{context}: swapped, yet the old site");
            kept_old += 1;
        }
        let left = leftovers(tmp.path());
        if mode == 1 {
            assert_eq!(left, [".public.pingyi-staging"], "{context}");
        }
        if !left.is_empty() {
            left_behind += 1;
        }
        // Every few kills, a build to completion: it removes what the killed ones left.
        if i % 4 == 3 {
            let (root, site) = if published_b {
                (&a, &site_a)
            } else {
                (&b, &site_b)
            };
            complete(root, &out);
            assert_eq!(&tree(&out), site, "{context}: the next build");
            assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "{context}");
            published_b = !published_b;
        }
    }
    let (root, site) = if published_b {
        (&a, &site_a)
    } else {
        (&b, &site_b)
    };
    let old = if published_b { &site_b } else { &site_a };
    complete(root, &out);
    assert_eq!(&tree(&out), site);
    assert_eq!(&tree(&previous), old);
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
    // The kills landed all over the build: before the swap, after it, and while it wrote.
    assert!(
        kept_old > 0 && got_new > 0 && left_behind > 0,
        "old kept {kept_old}, new published {got_new}, leftovers after {left_behind} (seed {seed})"
    );
}
