//! The search text of a `build`, kept on disk rather than in memory until the index stage reads
//! it back: one scratch file per language in the staging folder, appended to from any thread as
//! pages are built, read back (and removed) one language at a time. At 30,000 pages the records
//! are about 150 MB, which would otherwise stay resident through the render stage, where the
//! build's memory peaks, and through the index of every language.
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
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// What the scratch files' names start with, below the staging folder.
const PREFIX: &str = ".invest-guide-search-text-";

/// A language's scratch file, while it is being written.
struct Scratch {
    /// The language's URL prefix, `LANG/`.
    prefix: String,
    path: PathBuf,
    /// `None` once the file is read back or removed, or if it could not be made.
    file: Mutex<Option<BufWriter<File>>>,
}

/// The scratch files of a build's languages with a search page.
pub(super) struct Spill {
    scratch: Vec<Scratch>,
}

impl Spill {
    /// A scratch file per language of `languages`, made in `dir` (the staging folder) when the
    /// language's first record comes.
    pub(super) fn new(dir: &Path, languages: &[String]) -> Spill {
        let scratch = (languages.iter().enumerate())
            .map(|(i, lang)| Scratch {
                prefix: format!("{lang}/"),
                path: dir.join(format!("{PREFIX}{i}")),
                file: Mutex::new(None),
            })
            .collect();
        Spill { scratch }
    }

    /// Appends `text` to its language's file.
    pub(super) fn write(&self, text: &PageText) -> Result<(), Diagnostic> {
        let Some(scratch) = self.scratch.iter().find(|s| text.0.starts_with(&s.prefix)) else {
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

    /// Reads back the records of the language whose URL prefix is `prefix` (`LANG/`), in the
    /// order they were written, and removes its file.
    pub(super) fn take(&self, prefix: &str) -> Result<Vec<PageText>, Diagnostic> {
        let Some(scratch) = self.scratch.iter().find(|s| s.prefix == prefix) else {
            return Ok(Vec::new());
        };
        let mut file = scratch.file.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(writer) = file.take() else {
            return Ok(Vec::new());
        };
        let error = |action, e| fsx::io_error(&scratch.path, action, e);
        let written = writer
            .into_inner()
            .map_err(|e| error("write", e.into_error()))?;
        drop(written);
        let records = read_all(&scratch.path).map_err(|e| error("read back", e));
        fs::remove_file(&scratch.path).map_err(|e| error("remove", e))?;
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

    // A file cut short is an error, not a shorter list.
    #[test]
    fn a_file_cut_short_fails() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new(dir.path(), &["en".into()]);
        spill
            .write(&("en/a/".into(), "A".into(), Vec::new()))
            .unwrap();
        let path = dir.path().join(format!("{PREFIX}0"));
        let mut file = spill.scratch[0].file.lock().unwrap();
        file.as_mut().unwrap().flush().unwrap();
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(read_all(&path).is_err());
        fs::write(&path, &bytes).unwrap();
        assert_eq!(read_all(&path).unwrap().len(), 1);
    }
}
