//! Write stage: a staging folder beside the output folder, created before the first file is
//! made and filled as files are made, then swapped in whole once every stage succeeded. If
//! anything fails the staging folder is removed and the previous output is left exactly as it
//! was; a killed build leaves a staging folder holding the marker, which the next build to
//! succeed removes just before its swap (not at its start: a build running at the same time
//! would lose files it already wrote).

use super::{MARKER, MARKER_TEXT};
use crate::diagnostic::Diagnostic;
use crate::fsx;
use std::fs;
use std::path::{Path, PathBuf};

/// A staging folder being filled; removed when dropped unless [`Staging::swap`] put it in place.
pub(crate) struct Staging {
    dir: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    swapped: bool,
}

impl Staging {
    /// Creates the staging folder beside `out` (which has passed [`super::target`]), with the
    /// build's marker in it. Nothing else changes.
    pub(crate) fn create(out: &Path) -> Result<Staging, Diagnostic> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        fs::create_dir_all(parent).map_err(|e| fsx::io_error(parent, "create the folder", e))?;
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            // Left by a killed build that had this process id: removed only if provably one.
            if !dir.join(MARKER).is_file() {
                return Err(Diagnostic::error(
                    &dir,
                    "a folder with the name of the build's staging folder holds files no build wrote",
                )
                .hint("move it away or remove it, then build again"));
            }
            fs::remove_dir_all(&dir).map_err(|e| fsx::io_error(&dir, "remove", e))?;
        }
        // Made only now: dropping a `Staging` removes its folder.
        let staging = Staging {
            dir,
            out: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name,
            swapped: false,
        };
        // The marker first: a staging folder left by a killed build is then provably ours.
        fsx::write(&staging.dir.join(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Where the files go, by their path below the output folder.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Puts the staging folder in place of the output folder, after removing the ones killed
    /// builds left. If that fails, the previous output is left as it was.
    pub(crate) fn swap(mut self) -> Result<(), Diagnostic> {
        remove_stale(&self.parent, &self.name, &self.dir);
        let old = self
            .parent
            .join(format!(".{}.old-{}", self.name, std::process::id()));
        let out = &self.out;
        if out.exists() {
            fs::rename(out, &old).map_err(|e| fsx::io_error(out, "move aside", e))?;
        }
        if let Err(e) = fs::rename(&self.dir, out) {
            let _ = fs::rename(&old, out);
            return Err(fsx::io_error(out, "replace", e));
        }
        self.swapped = true;
        remove_tree(&old);
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that failed (or panicked) leaves no staging folder behind.
    fn drop(&mut self) {
        if !self.swapped {
            remove_tree(&self.dir);
        }
    }
}

/// Staging and old folders left behind by a build that was killed: only those holding a
/// build's marker, so a folder that merely shares the name is never removed; never `own`.
fn remove_stale(parent: &Path, name: &str, own: &Path) {
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let stale: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            prefixes.iter().any(|p| n.starts_with(p.as_str()))
        })
        .map(|e| e.path())
        .filter(|path| path != own && path.join(MARKER).is_file())
        .collect();
    for path in stale {
        remove_tree(&path);
    }
}

/// Removes `dir` and everything in it, as [`fs::remove_dir_all`] does (a link is removed, not
/// followed), its folders side by side: removing the last output of a site of 30,000 pages
/// (over 60,000 files) took a tenth of a large build, one file at a time. Best effort: what
/// cannot be removed stays.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<fs::DirEntry> = entries.flatten().collect();
    entries.par_iter().for_each(|entry| {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_tree(&path);
        } else {
            let _ = fs::remove_file(&path);
        }
    });
    let _ = fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    // A folder that merely has the staging folder's name (this process's id) is never removed,
    // neither to make room nor when the failed build's `Staging` is dropped.
    #[test]
    fn a_foreign_folder_with_the_staging_name_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let foreign = dir
            .path()
            .join(format!(".public.staging-{}", std::process::id()));
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "mine").unwrap();
        let error = Staging::create(&out).err().expect("refused");
        assert!(error.to_string().contains("no build wrote"), "{error}");
        assert_eq!(
            fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "mine"
        );
        // With the marker it is a killed build's, and goes.
        fs::write(foreign.join(MARKER), MARKER_TEXT).unwrap();
        let staging = Staging::create(&out).unwrap();
        assert!(!foreign.join("notes.txt").exists());
        drop(staging);
        assert!(!foreign.exists());
    }

    // The swap removes the previous output whole, folders side by side, and a link in it is
    // removed, not followed: what it points to, outside, stays.
    #[cfg(unix)]
    #[test]
    fn the_previous_output_goes_whole_and_links_in_it_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir_all(outside.join("sub")).unwrap();
        fs::write(outside.join("sub/keep.txt"), "keep").unwrap();
        let out = dir.path().join("public");
        for n in 0..20 {
            let deep = out.join(format!("en/s{n}/page/{n}"));
            fs::create_dir_all(&deep).unwrap();
            fs::write(deep.join("index.html"), "old").unwrap();
            fs::write(out.join(format!("en/s{n}/index.html")), "old").unwrap();
        }
        std::os::unix::fs::symlink(&outside, out.join("en/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("sub/keep.txt"), out.join("file-link")).unwrap();
        fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        let staging = Staging::create(&out).unwrap();
        fs::write(staging.dir().join("index.html"), "new").unwrap();
        staging.swap().unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        assert!(!out.join("en").exists());
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "only `outside` and `public` stay: {left:?}");
        assert_eq!(
            fs::read_to_string(outside.join("sub/keep.txt")).unwrap(),
            "keep"
        );
    }
}
