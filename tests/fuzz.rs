//! Fuzzing every parser of files a person may be handed: exercise files,
//! routine files and recorded sessions. Each case takes a shipped file (a
//! seed) and breaks it: bytes changed, tokens a crafted file would use
//! (huge numbers, brackets, quotes, line breaks) put in, pieces cut out, the
//! end cut off. A parser may refuse the result with an error; it must never
//! panic or hang.
//!
//! A fixed number of cases runs in the normal suite (a few seconds);
//! `POSECOACH_FUZZ_CASES=N` runs N per parser (the longer run in the README).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use posecoach::exercise::file::{exercise_from_str, routine_from_str};
use posecoach::recording::{Line, Reader};

/// Cases per parser in the normal suite.
const DEFAULT_CASES: u32 = 20_000;

/// What a crafted file puts in.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "[[",
    "]]",
    "=",
    ",",
    ":",
    "\n",
    "\r\n",
    "#",
    "\\",
    "\u{0}",
    "1e300",
    "-1e300",
    "1e-300",
    "nan",
    "inf",
    "-inf",
    "NaN",
    "0",
    "-0",
    "-1",
    "4294967296",
    "18446744073709551616",
    "9999999999999999999999",
    "null",
    "true",
    "\"\"",
    "[]",
    "{}",
    "\"t_ms\":",
    "\"pose\":",
    "\"jpeg\":\"",
    "\"command\":",
    "\"event\":",
    "kind = ",
    "angle",
    "seconds = ",
    "min_rep_s = ",
    "{180 - knee_angle_deg}",
    "{direction}",
    "é",
    "\u{1F600}",
];

#[derive(Debug, Clone)]
enum Edit {
    Byte(usize, u8),
    Insert(usize, usize),
    Remove(usize, usize),
    Truncate(usize),
    Repeat(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), 1usize..64).prop_map(|(at, n)| Edit::Remove(at, n)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), 1usize..200).prop_map(|(at, n)| Edit::Repeat(at, n)),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for e in edits {
        let len = bytes.len().max(1);
        match *e {
            Edit::Byte(at, b) => {
                if !bytes.is_empty() {
                    bytes[at % len] = b;
                }
            }
            Edit::Insert(at, t) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, TOKENS[t].bytes());
            }
            Edit::Remove(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Edit::Truncate(at) => bytes.truncate(at % len),
            Edit::Repeat(at, n) => {
                // A byte repeated: long numbers, deep nesting.
                if let Some(&b) = bytes.get(at % len) {
                    let at = at % len;
                    bytes.splice(at..at, std::iter::repeat_n(b, n));
                }
            }
        }
    }
    bytes
}

fn seeds(dir: &str, ext: &str, max_lines: usize) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let kept: Vec<&str> = text.lines().take(max_lines).collect();
            (p, (kept.join("\n") + "\n").into_bytes())
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

fn cases() -> u32 {
    std::env::var("POSECOACH_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Runs `parse` on `cases()` broken copies of the seeds.
fn fuzz(seeds: &[(PathBuf, Vec<u8>)], parse: impl Fn(&Path, &[u8])) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..seeds.len(), proptest::collection::vec(edit(), 0..8));
    runner
        .run(&strategy, |(seed, edits)| {
            let (path, bytes) = &seeds[seed];
            parse(path, &apply(bytes, &edits));
            Ok(())
        })
        .unwrap();
}

#[test]
fn exercise_files_never_panic() {
    let no_overrides = BTreeMap::new();
    fuzz(&seeds("exercises", "toml", usize::MAX), |path, bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = exercise_from_str(path, &text, &no_overrides);
    });
}

#[test]
fn routine_files_never_panic() {
    fuzz(
        &seeds("exercises/routines", "toml", usize::MAX),
        |path, bytes| {
            let _ = routine_from_str(path, &String::from_utf8_lossy(bytes));
        },
    );
}

#[test]
fn recorded_sessions_never_panic() {
    // The first lines of each shipped session: the header, frames, events.
    fuzz(
        &seeds("fixtures/sessions", "posecoach", 12),
        |path, bytes| {
            let input = Box::new(std::io::Cursor::new(bytes.to_vec()));
            let Ok(mut reader) = Reader::from_reader(path, input) else {
                return;
            };
            while let Ok(Some(line)) = reader.next_line() {
                if let Line::Frame {
                    jpeg_base64: Some(jpeg),
                    ..
                } = line
                {
                    let _ = posecoach::recording::decode_video_frame(&jpeg);
                }
            }
        },
    );
}
