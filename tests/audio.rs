//! What the app would play, written with `--audio-out`: a tone where a hold
//! starts, where it reaches its time and where a repetition counts, the cues
//! spoken, silence elsewhere, and nothing at all with `--mute`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use posecoach::audio::{
    HOLD_REACHED_TONES_HZ, HOLD_START_TONE_HZ, REP_TONE_HZ, SAMPLE_RATE_HZ, find_program, parse_wav,
};

const BIN: &str = env!("CARGO_BIN_EXE_posecoach");
const SESSION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/sessions/model-wall-slide.posecoach"
);

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("posecoach-audio-{name}-{}.wav", std::process::id()))
}

/// Runs the recorded wall-slide session without a window; its events and
/// the audio file's samples.
fn run(wav: &Path, extra: &[&str]) -> (Vec<serde_json::Value>, Vec<i16>) {
    run_in(Command::new(BIN), wav, extra)
}

/// The same, with `command` set up by the caller (its environment).
fn run_in(mut command: Command, wav: &Path, extra: &[&str]) -> (Vec<serde_json::Value>, Vec<i16>) {
    let out = command
        .args([
            "run",
            "--source",
            SESSION,
            "--no-window",
            "--json",
            "--no-save",
            "--audio-out",
        ])
        .arg(wav)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (rate, samples) = parse_wav(&std::fs::read(wav).unwrap()).unwrap();
    assert_eq!(rate, SAMPLE_RATE_HZ);
    (events, samples)
}

/// Amplitude (0-1 of full scale) of `hz` in `samples[start..start+n]`
/// (Goertzel).
fn amplitude(samples: &[i16], start: usize, n: usize, hz: f64) -> f64 {
    let end = (start + n).min(samples.len());
    if start >= end {
        return 0.0;
    }
    let w = std::f64::consts::TAU * hz / f64::from(SAMPLE_RATE_HZ);
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in &samples[start..end] {
        let s = f64::from(x) / 32768.0 + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    let power = s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2;
    2.0 * power.sqrt() / (end - start) as f64
}

fn at(t_ms: f64) -> usize {
    (t_ms / 1000.0 * f64::from(SAMPLE_RATE_HZ)) as usize
}

fn times(events: &[serde_json::Value], kind: &str) -> Vec<f64> {
    events
        .iter()
        .filter(|e| e["event"] == kind)
        .map(|e| e["t_ms"].as_f64().unwrap())
        .collect()
}

#[test]
fn tones_sound_at_holds_and_repetitions_and_nowhere_else() {
    let wav = tmp("tones");
    let (events, samples) = run(&wav, &[]);
    let reps = times(&events, "rep_completed");
    let starts = times(&events, "hold_started");
    let reached = times(&events, "hold_target_reached");
    assert_eq!(
        (reps.len(), starts.len(), reached.len()),
        (2, 2, 2),
        "{events:?}"
    );
    // 100 ms windows: the tones last 120-180 ms.
    let window = at(100.0);
    for &t in &reps {
        let a = amplitude(&samples, at(t), window, REP_TONE_HZ);
        assert!(a > 0.2, "repetition tone at {t} ms: {a}");
    }
    for &t in &starts {
        let a = amplitude(&samples, at(t), window, HOLD_START_TONE_HZ);
        assert!(a > 0.2, "hold start tone at {t} ms: {a}");
    }
    for &t in &reached {
        let first = amplitude(&samples, at(t), window, HOLD_REACHED_TONES_HZ[0]);
        let second = amplitude(&samples, at(t + 140.0), window, HOLD_REACHED_TONES_HZ[1]);
        assert!(
            first > 0.2 && second > 0.2,
            "hold done chime at {t} ms: {first} {second}"
        );
    }
    // Every sound belongs to an event: a second before it, and after it
    // for as long as it sounds (a cue for the time it takes to say, at
    // most a tenth of a second a character), the file is silent.
    let spans: Vec<(f64, f64)> = events
        .iter()
        .filter_map(|e| {
            let t = e["t_ms"].as_f64()?;
            let said_ms = e["text"]
                .as_str()
                .map_or(0.0, |text| 100.0 * text.chars().count() as f64);
            Some((t - 1000.0, t + 1000.0 + said_ms))
        })
        .collect();
    let mut quiet_checked = 0;
    for (i, chunk) in samples.chunks(at(100.0)).enumerate() {
        let t = i as f64 * 100.0;
        if spans.iter().all(|&(from, to)| t + 100.0 < from || t > to) {
            assert!(
                chunk.iter().all(|&s| s == 0),
                "sound at {t} ms with no event near"
            );
            quiet_checked += 1;
        }
    }
    assert!(quiet_checked > 0);
    let _ = std::fs::remove_file(&wav);
}

#[test]
fn cues_are_spoken_when_espeak_ng_is_installed() {
    if find_program("espeak-ng").is_none() {
        panic!("espeak-ng is installed by scripts/setup.sh (make test)");
    }
    let wav = tmp("speech");
    let (events, samples) = run(&wav, &[]);
    // The same session with no espeak-ng to be found: its tones alone
    // (some land on a cue's millisecond, so loudness alone proves nothing).
    let no_programs =
        std::env::temp_dir().join(format!("posecoach-audio-empty-{}", std::process::id()));
    std::fs::create_dir_all(&no_programs).unwrap();
    let mut unspoken = Command::new(BIN);
    unspoken.env("PATH", &no_programs);
    let tones_wav = tmp("tones-only");
    let (_, tones) = run_in(unspoken, &tones_wav, &[]);
    // (Speech can run past the last tone: the file is that much longer.)
    assert!(tones.len() <= samples.len());
    let cues = times(&events, "cue");
    assert!(!cues.is_empty());
    for &t in &cues {
        // Speech: loud samples, beyond the tones, in the second after the cue.
        let range = at(t)..at(t + 1000.0).min(samples.len());
        let spoken = range
            .filter(|&i| {
                let tone = tones.get(i).copied().unwrap_or(0);
                (i32::from(samples[i]) - i32::from(tone)).unsigned_abs() > 2000
            })
            .count();
        assert!(
            spoken > 500,
            "cue at {t} ms not spoken ({spoken} loud samples beyond the tones)"
        );
    }
    let _ = std::fs::remove_file(&wav);
    let _ = std::fs::remove_file(&tones_wav);
    let _ = std::fs::remove_dir(&no_programs);
}

#[test]
fn muted_sessions_are_silent() {
    let wav = tmp("muted");
    let (events, samples) = run(&wav, &["--mute"]);
    assert!(!times(&events, "rep_completed").is_empty());
    assert!(samples.iter().all(|&s| s == 0));
    let _ = std::fs::remove_file(&wav);
}

#[cfg(unix)]
#[test]
fn speech_is_made_without_showing_the_cue_to_other_users_or_leaving_files() {
    use std::os::unix::fs::PermissionsExt;
    let real = find_program("espeak-ng").expect("espeak-ng is installed by scripts/setup.sh");
    // An espeak-ng that notes what it was given, then speaks.
    let dir = std::env::temp_dir().join(format!("posecoach-audio-spy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let programs = dir.join("bin");
    let runtime = dir.join("runtime");
    std::fs::create_dir_all(&programs).unwrap();
    std::fs::create_dir_all(&runtime).unwrap();
    let spy = programs.join("espeak-ng");
    std::fs::write(
        &spy,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{log}.args'\ntee -a '{log}.in' | '{real}' \"$@\"\n",
            log = dir.join("spy").display(),
            real = real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&spy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut command = Command::new(BIN);
    command
        .env("PATH", format!("{}:/usr/bin:/bin", programs.display()))
        .env("XDG_RUNTIME_DIR", &runtime);
    let wav = tmp("spied");
    let (events, samples) = run_in(command, &wav, &[]);
    let cue = events
        .iter()
        .find(|e| e["event"] == "cue")
        .and_then(|e| e["text"].as_str())
        .unwrap()
        .to_string();
    let args = std::fs::read_to_string(dir.join("spy.args")).unwrap();
    let given = std::fs::read_to_string(dir.join("spy.in")).unwrap();
    assert!(
        !args.contains(&cue),
        "the cue is not on the command line: {args}"
    );
    assert!(
        given.contains(&cue),
        "the cue went in on standard input: {given}"
    );
    assert!(samples.iter().any(|&s| s.unsigned_abs() > 2000), "spoken");
    let left: Vec<_> = std::fs::read_dir(&runtime).unwrap().collect();
    assert!(
        left.is_empty(),
        "nothing left in the runtime folder: {left:?}"
    );
    let _ = std::fs::remove_file(&wav);
    std::fs::remove_dir_all(&dir).unwrap();
}
