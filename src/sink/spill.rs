//! The search text of a `build`, kept on disk rather than in memory until the index stage reads
//! it back: scratch files in the staging folder, one per language and rayon thread, appended to
//! by that thread as pages are built, read back (and removed) one language at a time, its files
//! in parallel. At 30,000 pages the records are about 150 MB, which would otherwise stay
//! resident through the render stage, where the build's memory peaks, and through the index of
//! every language.
//!
//! The files sit at the staging folder's root under names no built file can take (built files
//! there are pages, `*.html`, and a fixed few such as `sitemap.xml`; see `output::MARKER`), so
//! a failed build removes them with its staging folder, and a killed build's go with its staging
//! folder, which holds the marker, when the next build succeeds. Each is removed once read, and
//! those left (a language whose index was not made) before the swap: they never reach the
//! published output.
//!
//! A record is its URL path, title and sections, each string as a little-endian `u64` byte
//! length then its UTF-8 bytes, the number of sections before them the same way.

use crate::diagnostic::Diagnostic;
use crate::fsx;
use crate::search::PageText;
use rayon::prelude::*;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// What the scratch files' names start with, below the staging folder.
const PREFIX: &str = ".invest-guide-search-text-";

/// One of a language's scratch files, while it is being written.
struct Scratch {
    /// The language's URL prefix, `LANG/`.
    prefix: String,
    /// Which of the language's files this is: that of the rayon threads whose index is this
    /// modulo [`Spill::parts`] (threads outside the pool write to the first).
    part: usize,
    path: PathBuf,
    /// `None` once the file is read back or removed, or if it could not be made.
    file: Mutex<Option<BufWriter<File>>>,
}

/// The scratch files of a build's languages with a search page.
pub(super) struct Spill {
    scratch: Vec<Scratch>,
    /// How many files each language has: as many as rayon has threads, so that the threads
    /// rendering pages do not wait on one another's writes, and a language's files are read
    /// back by as many threads.
    parts: usize,
}

impl Spill {
    /// [`Spill::parts`] scratch files per language of `languages`, made in `dir` (the staging
    /// folder) when their first record comes.
    pub(super) fn new(dir: &Path, languages: &[String]) -> Spill {
        let parts = rayon::current_num_threads().max(1);
        let scratch = (languages.iter().enumerate())
            .flat_map(|(i, lang)| {
                (0..parts).map(move |part| Scratch {
                    prefix: format!("{lang}/"),
                    part,
                    path: dir.join(format!("{PREFIX}{i}-{part}")),
                    file: Mutex::new(None),
                })
            })
            .collect();
        Spill { scratch, parts }
    }

    /// Appends `text` to one of its language's files: the calling thread's.
    pub(super) fn write(&self, text: &PageText) -> Result<(), Diagnostic> {
        let part = rayon::current_thread_index().unwrap_or(0) % self.parts;
        let mut scratch = self.scratch.iter();
        let Some(scratch) = scratch.find(|s| s.part == part && text.0.starts_with(&s.prefix))
        else {
            return Ok(());
        };
        let record = encode(text);
        let mut file = scratch.file.lock().unwrap_or_else(PoisonError::into_inner);
        if file.is_none() {
            let made = File::create_new(&scratch.path);
            let made = made.map_err(|e| fsx::io_error(&scratch.path, "create", e))?;
            *file = Some(BufWriter::with_capacity(1 << 16, made));
        }
        let written = file.as_mut().map_or(Ok(()), |f| f.write_all(&record));
        written.map_err(|e| fsx::io_error(&scratch.path, "write", e))
    }

    /// Reads back the records of the language whose URL prefix is `prefix` (`LANG/`), in no
    /// particular order (each file's in the order written), and removes its files: the files
    /// in parallel.
    pub(super) fn take(&self, prefix: &str) -> Result<Vec<PageText>, Diagnostic> {
        let files: Vec<&Scratch> = (self.scratch.iter())
            .filter(|s| s.prefix == prefix)
            .collect();
        let read: Vec<Vec<PageText>> = files
            .into_par_iter()
            .map(Scratch::take)
            .collect::<Result<_, _>>()?;
        Ok(read.into_iter().flatten().collect())
    }
}

impl Scratch {
    /// The records of this file, which is then removed; none if it was never made.
    fn take(&self) -> Result<Vec<PageText>, Diagnostic> {
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(writer) = file.take() else {
            return Ok(Vec::new());
        };
        let error = |action, e| fsx::io_error(&self.path, action, e);
        let written = writer
            .into_inner()
            .map_err(|e| error("write", e.into_error()))?;
        drop(written);
        let records = read_all(&self.path).map_err(|e| error("read back", e));
        fs::remove_file(&self.path).map_err(|e| error("remove", e))?;
        records
    }
}

impl Drop for Spill {
    /// Removes the files not read back, so that none is swapped in with the output.
    fn drop(&mut self) {
        for scratch in &mut self.scratch {
            let file = scratch
                .file
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            if file.take().is_some() {
                let _ = fs::remove_file(&scratch.path);
            }
        }
    }
}

fn encode((url, title, sections): &PageText) -> Vec<u8> {
    let strings = sections.iter().flat_map(|(a, b, c)| [a, b, c]);
    let size: usize = strings.map(|s| s.len() + 8).sum();
    let mut out = Vec::with_capacity(size + url.len() + title.len() + 24);
    put(&mut out, url);
    put(&mut out, title);
    out.extend_from_slice(&(sections.len() as u64).to_le_bytes());
    for (a, b, c) in sections {
        put(&mut out, a);
        put(&mut out, b);
        put(&mut out, c);
    }
    out
}

fn put(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn read_all(path: &Path) -> io::Result<Vec<PageText>> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut records = Vec::new();
    let mut read = 0;
    let mut buffer = Vec::new();
    while read < size {
        let mut record = Record {
            reader: &mut reader,
            read: &mut read,
            buffer: &mut buffer,
        };
        let url = record.string()?;
        let title = record.string()?;
        let count = record.number()?;
        let sections = (0..count)
            .map(|_| Ok((record.string()?, record.string()?, record.string()?)))
            .collect::<io::Result<_>>()?;
        records.push((url, title, sections));
    }
    Ok(records)
}

/// The reader of one record, counting the bytes it took; `buffer` is where each string is
/// read before it is checked.
struct Record<'a> {
    reader: &'a mut BufReader<File>,
    read: &'a mut u64,
    buffer: &'a mut Vec<u8>,
}

impl Record<'_> {
    fn number(&mut self) -> io::Result<u64> {
        let mut bytes = [0; 8];
        self.reader.read_exact(&mut bytes)?;
        *self.read += 8;
        Ok(u64::from_le_bytes(bytes))
    }

    /// A string: read into the buffer, checked as UTF-8 ([`crate::fsx::utf8`]: std's check
    /// was most of the time of reading back the Russian pages), then copied out at its size.
    fn string(&mut self) -> io::Result<String> {
        let len = self.number()?;
        self.buffer.clear();
        // `take` rather than a buffer of `len` bytes: a damaged length fails at the file's end.
        (&mut *self.reader).take(len).read_to_end(self.buffer)?;
        if self.buffer.len() as u64 != len {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        *self.read += len;
        let text = crate::fsx::utf8(self.buffer);
        text.map(str::to_string)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // What is written is read back as it was, per language, and the files go once read.
    #[test]
    fn records_come_back_as_written_and_the_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path(), &["en".into(), "zh".into()]);
        let section = |s: &str| (format!("#{s}"), format!("Heading {s}"), "é 中".repeat(3));
        let en = [
            (
                "en/a/".to_string(),
                "A".to_string(),
                vec![section("x"), section("")],
            ),
            ("en/".to_string(), String::new(), Vec::new()),
        ];
        let zh = ("zh/b/".to_string(), "乙".to_string(), vec![section("y")]);
        for text in en.iter().chain([&zh]) {
            spill.write(text).unwrap();
        }
        // A page of a language without a search page is not kept.
        spill
            .write(&("ru/c/".into(), "C".into(), Vec::new()))
            .unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
        assert_eq!(spill.take("en/").unwrap(), en);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(spill);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    // Records written by every thread of a pool come back, each once, from each thread's
    // own file; and every file goes once read.
    #[test]
    fn records_from_every_thread_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let spill = pool.install(|| Spill::new(dir.path(), &["en".into()]));
        assert_eq!(spill.parts, 3);
        let texts: Vec<PageText> = (0..300)
            .map(|n| (format!("en/{n}/"), format!("Page {n}"), Vec::new()))
            .collect();
        pool.broadcast(|thread| {
            for text in texts.iter().skip(thread.index()).step_by(3) {
                spill.write(text).unwrap();
            }
        });
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
        let mut back = pool.install(|| spill.take("en/")).unwrap();
        back.sort();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(back, sorted);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    // A file cut short is an error, not a shorter list.
    #[test]
    fn a_file_cut_short_fails() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path(), &["en".into()]);
        spill
            .write(&("en/a/".into(), "A".into(), Vec::new()))
            .unwrap();
        let path = dir.path().join(format!("{PREFIX}0-0"));
        let mut file = spill.scratch[0].file.lock().unwrap();
        file.as_mut().unwrap().flush().unwrap();
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(read_all(&path).is_err());
        fs::write(&path, &bytes).unwrap();
        assert_eq!(read_all(&path).unwrap().len(), 1);
    }
}
