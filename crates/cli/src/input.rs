//! Opening what `sidewatch scan` reads: files or standard input, plain or gzip (recognised by
//! the gzip magic bytes, not the name).

use flate2::read::MultiGzDecoder;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// One input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn from_arg(path: &Path) -> Self {
        if path.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(path.to_path_buf())
        }
    }

    /// How messages name it.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "standard input".to_owned(),
            Source::File(path) => format!("'{}'", path.display()),
        }
    }
}

/// Wraps `reader` so that it decompresses when the content starts with the gzip magic bytes.
/// Returns the reader and whether it is gzip. `Send`: the scan reads on a thread of its own.
pub fn decompressing<'a>(
    mut reader: Box<dyn Read + Send + 'a>,
) -> io::Result<(Box<dyn Read + Send + 'a>, bool)> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < magic.len() {
        match reader.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let is_gzip = got == magic.len() && magic == GZIP_MAGIC;
    let prefix = Cursor::new(magic.get(..got).unwrap_or_default().to_vec());
    let whole = prefix.chain(reader);
    if is_gzip {
        // Multi-member, as `cat a.gz b.gz` and some uploaders produce.
        Ok((Box::new(MultiGzDecoder::new(whole)), true))
    } else {
        Ok((Box::new(whole), false))
    }
}

/// A reader that fails once `stop` is set: ends a read early when the output has gone away.
pub struct Stoppable<R> {
    inner: R,
    stop: Arc<AtomicBool>,
}

impl<R> Stoppable<R> {
    pub fn new(inner: R, stop: Arc<AtomicBool>) -> Self {
        Stoppable { inner, stop }
    }
}

impl<R: Read> Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other("stopped: the output was closed"));
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn read_all(bytes: Vec<u8>) -> (String, bool) {
        let (mut reader, gzip) = decompressing(Box::new(Cursor::new(bytes))).unwrap();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        (text, gzip)
    }

    #[test]
    fn plain_and_gzip_content_read_the_same() {
        let text = r#"{"configurationItems": []}"#;
        assert_eq!(read_all(text.as_bytes().to_vec()), (text.to_owned(), false));
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        assert_eq!(read_all(gz.finish().unwrap()), (text.to_owned(), true));
    }

    #[test]
    fn short_inputs_are_passed_through() {
        assert_eq!(read_all(Vec::new()), (String::new(), false));
        assert_eq!(read_all(b"[".to_vec()), ("[".to_owned(), false));
    }

    #[test]
    fn a_stopped_reader_fails() {
        let stop = Arc::new(AtomicBool::new(false));
        let mut r = Stoppable::new(Cursor::new(b"abc".to_vec()), Arc::clone(&stop));
        let mut buf = [0u8; 1];
        assert_eq!(r.read(&mut buf).unwrap(), 1);
        stop.store(true, Ordering::Relaxed);
        assert!(r.read(&mut buf).is_err());
    }
}
