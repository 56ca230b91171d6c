//! A small line editor for the interactive shell: arrows, Home/End, backspace, Ctrl-A/E/U/K,
//! history (Up/Down, kept in a file across sessions) and Tab completion. The terminal is put in
//! raw mode only while a line is read.

use std::io::{Read, Write};
use std::path::PathBuf;

/// The terminal's settings, restored when dropped.
struct RawMode(libc::termios);

impl RawMode {
    fn enter() -> std::io::Result<RawMode> {
        // SAFETY: tcgetattr/tcsetattr on stdin with a termios the call fills in.
        unsafe {
            let mut old: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut old) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut raw = old;
            raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::IEXTEN | libc::ISIG);
            raw.c_iflag &= !(libc::ICRNL | libc::IXON);
            raw.c_cc[libc::VMIN] = 1;
            raw.c_cc[libc::VTIME] = 0;
            if libc::tcsetattr(0, libc::TCSANOW, &raw) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(RawMode(old))
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in `enter`.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &self.0);
        }
    }
}

/// What reading a line gave.
pub enum Input {
    /// A line (Enter).
    Line(String),
    /// Ctrl-C: the line was dropped.
    Interrupted,
    /// Ctrl-D on an empty line: the session ends.
    Eof,
}

/// The editor: its history and where the history is kept.
pub struct Editor {
    history: Vec<String>,
    file: Option<PathBuf>,
}

impl Editor {
    /// An editor whose history is read from (and appended to) `file`.
    pub fn new(file: Option<PathBuf>) -> Editor {
        let history = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default();
        Editor { history, file }
    }

    /// Adds a line to the history (and its file).
    pub fn remember(&mut self, line: &str) {
        if line.trim().is_empty() || self.history.last().is_some_and(|l| l == line) {
            return;
        }
        self.history.push(line.to_string());
        if let Some(f) = &self.file
            && let Ok(mut out) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(f)
        {
            let _ = writeln!(out, "{line}");
        }
    }

    /// Reads one line after `prompt`; `complete` gives the completions of the text before the
    /// cursor (each the whole text with its last word completed).
    pub fn read_line(
        &mut self,
        prompt: &str,
        complete: &dyn Fn(&str) -> Vec<String>,
    ) -> std::io::Result<Input> {
        let _raw = RawMode::enter()?;
        let mut out = std::io::stdout();
        let mut input = std::io::stdin();
        let mut buf: Vec<char> = Vec::new();
        let mut cursor = 0usize;
        let mut index = self.history.len();
        let mut saved: Vec<char> = Vec::new();
        let redraw =
            |out: &mut std::io::Stdout, buf: &[char], cursor: usize| -> std::io::Result<()> {
                let text: String = buf.iter().collect();
                write!(out, "\r{prompt}{text}\x1b[K")?;
                let back = buf.len() - cursor;
                if back > 0 {
                    write!(out, "\x1b[{back}D")?;
                }
                out.flush()
            };
        redraw(&mut out, &buf, cursor)?;
        let mut byte = [0u8; 1];
        let mut pending_utf8: Vec<u8> = Vec::new();
        loop {
            if input.read(&mut byte)? == 0 {
                return Ok(Input::Eof);
            }
            match byte[0] {
                b'\r' | b'\n' => {
                    write!(out, "\r\n")?;
                    out.flush()?;
                    return Ok(Input::Line(buf.iter().collect()));
                }
                3 => {
                    write!(out, "^C\r\n")?;
                    out.flush()?;
                    return Ok(Input::Interrupted);
                }
                4 if buf.is_empty() => {
                    write!(out, "\r\n")?;
                    out.flush()?;
                    return Ok(Input::Eof);
                }
                4 if cursor < buf.len() => {
                    buf.remove(cursor);
                }
                127 | 8 if cursor > 0 => {
                    cursor -= 1;
                    buf.remove(cursor);
                }
                1 => cursor = 0,
                5 => cursor = buf.len(),
                21 => {
                    buf.drain(..cursor);
                    cursor = 0;
                }
                11 => buf.truncate(cursor),
                b'\t' => {
                    let before: String = buf[..cursor].iter().collect();
                    let after: String = buf[cursor..].iter().collect();
                    let options = complete(&before);
                    let common = common_prefix(&options);
                    if options.len() == 1 || common.chars().count() > before.chars().count() {
                        let chosen = if options.len() == 1 {
                            options[0].clone()
                        } else {
                            common
                        };
                        buf = chosen.chars().chain(after.chars()).collect();
                        cursor = chosen.chars().count();
                    } else if options.len() > 1 {
                        let words: Vec<&str> = options
                            .iter()
                            .map(|o| {
                                o.rfind(['.', '(', ' ', ','])
                                    .map(|i| &o[i + 1..])
                                    .unwrap_or(o)
                            })
                            .collect();
                        write!(out, "\r\n{}\r\n", words.join("  "))?;
                    }
                }
                27 => {
                    let mut seq = [0u8; 2];
                    input.read_exact(&mut seq)?;
                    if seq[0] != b'[' {
                        continue;
                    }
                    match seq[1] {
                        b'A' if index > 0 => {
                            if index == self.history.len() {
                                saved = buf.clone();
                            }
                            index -= 1;
                            buf = self.history[index].chars().collect();
                            cursor = buf.len();
                        }
                        b'B' if index < self.history.len() => {
                            index += 1;
                            buf = if index == self.history.len() {
                                saved.clone()
                            } else {
                                self.history[index].chars().collect()
                            };
                            cursor = buf.len();
                        }
                        b'C' if cursor < buf.len() => cursor += 1,
                        b'D' if cursor > 0 => cursor -= 1,
                        b'H' => cursor = 0,
                        b'F' => cursor = buf.len(),
                        b'3' => {
                            let mut tilde = [0u8; 1];
                            input.read_exact(&mut tilde)?;
                            if cursor < buf.len() {
                                buf.remove(cursor);
                            }
                        }
                        _ => {}
                    }
                }
                b if b >= 0x20 => {
                    pending_utf8.push(b);
                    match std::str::from_utf8(&pending_utf8) {
                        Ok(s) => {
                            for c in s.chars() {
                                buf.insert(cursor, c);
                                cursor += 1;
                            }
                            pending_utf8.clear();
                        }
                        Err(e) if e.error_len().is_some() => pending_utf8.clear(),
                        Err(_) => continue,
                    }
                }
                _ => {}
            }
            redraw(&mut out, &buf, cursor)?;
        }
    }
}

fn common_prefix(options: &[String]) -> String {
    let Some(first) = options.first() else {
        return String::new();
    };
    let mut end = first.len();
    for o in &options[1..] {
        end = first
            .char_indices()
            .zip(o.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map(|((i, c), _)| i + c.len_utf8())
            .unwrap_or(0)
            .min(end);
    }
    first[..end].to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_prefixes() {
        let o = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(super::common_prefix(&o(&["filter", "first"])), "fi");
        assert_eq!(super::common_prefix(&o(&["filter"])), "filter");
        assert_eq!(super::common_prefix(&o(&["été", "étage"])), "ét");
    }
}
