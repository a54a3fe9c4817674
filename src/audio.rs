//! Sound: short tones for holds and repetitions, and the cues spoken, for
//! people lying on the floor away from the screen.
//!
//! Everything is rendered to 16-bit mono samples first (tones synthesised
//! here, speech from the `espeak-ng` program when it is installed, cached
//! per text); the samples then go either to the speakers (mixed into one
//! output stream) or into a WAV file laid out on the session's clock
//! (`--audio-out`), which is how the tests hear what would have been
//! played.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::exercise::engine::Event;
use crate::files;

pub const SAMPLE_RATE_HZ: u32 = 22_050;
/// A tone fades in and out over this long, so it does not click.
const TONE_FADE_MS: f64 = 8.0;
const TONE_AMPLITUDE: f64 = 0.45;
/// espeak-ng's speed, words per minute: a little slower than its default
/// of 175, for instructions.
const SPEECH_WPM: u32 = 150;
/// espeak-ng speaks at full scale; this leaves room for a tone at the
/// same moment.
const SPEECH_GAIN: f64 = 0.5;

/// The tones, by what they mean.
pub const REP_TONE_HZ: f64 = 880.0;
pub const HOLD_START_TONE_HZ: f64 = 523.25;
/// A rising pair when a hold has lasted its time: release.
pub const HOLD_REACHED_TONES_HZ: [f64; 2] = [659.25, 987.77];
pub const STOP_TONE_HZ: f64 = 311.13;
const REP_TONE_MS: f64 = 120.0;
const HOLD_START_TONE_MS: f64 = 180.0;
const HOLD_REACHED_TONE_MS: f64 = 140.0;
const STOP_TONE_MS: f64 = 600.0;

/// Something to be heard.
#[derive(Debug, Clone, PartialEq)]
pub enum Sound {
    HoldStart,
    HoldReached,
    Rep,
    Stop,
    Speech(String),
}

impl Sound {
    /// The sounds an engine event makes.
    pub fn for_event(event: &Event) -> Vec<Sound> {
        match event {
            Event::HoldStarted { .. } => vec![Sound::HoldStart],
            Event::HoldTargetReached { .. } => vec![Sound::HoldReached],
            Event::RepCompleted { .. } => vec![Sound::Rep],
            Event::Stopped { reason, .. } => {
                vec![Sound::Stop, Sound::Speech(format!("Stop. {reason}"))]
            }
            Event::Cue { text, .. } => vec![Sound::Speech(text.clone())],
            Event::HoldCompleted { .. }
            | Event::HoldShort { .. }
            | Event::SetCompleted { .. }
            | Event::ExerciseCompleted { .. } => Vec::new(),
        }
    }

    /// Tones as (frequency Hz, duration ms), one after another.
    fn tones(&self) -> Vec<(f64, f64)> {
        match self {
            Sound::HoldStart => vec![(HOLD_START_TONE_HZ, HOLD_START_TONE_MS)],
            Sound::HoldReached => HOLD_REACHED_TONES_HZ
                .iter()
                .map(|&hz| (hz, HOLD_REACHED_TONE_MS))
                .collect(),
            Sound::Rep => vec![(REP_TONE_HZ, REP_TONE_MS)],
            Sound::Stop => vec![(STOP_TONE_HZ, STOP_TONE_MS)],
            Sound::Speech(_) => Vec::new(),
        }
    }
}

/// Samples of sine tones played one after another.
pub fn synthesise(tones: &[(f64, f64)]) -> Vec<i16> {
    let rate = f64::from(SAMPLE_RATE_HZ);
    let mut out = Vec::new();
    for &(hz, ms) in tones {
        let n = (ms / 1000.0 * rate) as usize;
        let fade = (TONE_FADE_MS / 1000.0 * rate).max(1.0);
        for i in 0..n {
            let t = i as f64 / rate;
            let edge = (i as f64 / fade).min((n - i) as f64 / fade).min(1.0);
            let v = (std::f64::consts::TAU * hz * t).sin() * TONE_AMPLITUDE * edge;
            out.push((v * f64::from(i16::MAX)) as i16);
        }
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: cannot write the audio file: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Renders sounds to samples; speech through espeak-ng, cached per text.
#[derive(Debug, Default)]
pub struct Renderer {
    espeak: Option<PathBuf>,
    speech: HashMap<String, Arc<[i16]>>,
    warned: bool,
}

/// Where a program is on PATH.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

impl Renderer {
    pub fn new() -> Renderer {
        Renderer {
            espeak: find_program("espeak-ng"),
            ..Renderer::default()
        }
    }

    /// Whether cues can be spoken.
    pub fn can_speak(&self) -> bool {
        self.espeak.is_some()
    }

    pub fn render(&mut self, sound: &Sound) -> Arc<[i16]> {
        match sound {
            Sound::Speech(text) => self.speak(text),
            tones => synthesise(&tones.tones()).into(),
        }
    }

    fn speak(&mut self, text: &str) -> Arc<[i16]> {
        if let Some(samples) = self.speech.get(text) {
            return Arc::clone(samples);
        }
        let Some(espeak) = &self.espeak else {
            if !self.warned {
                self.warned = true;
                tracing::warn!("espeak-ng is not installed: cues are shown but not spoken");
            }
            return Arc::from([]);
        };
        let samples: Arc<[i16]> = match espeak_samples(espeak, text) {
            Ok(samples) => samples.into(),
            Err(e) => {
                if !self.warned {
                    self.warned = true;
                    tracing::warn!("espeak-ng failed ({e}): cues are shown but not spoken");
                }
                Arc::from([])
            }
        };
        self.speech.insert(text.to_string(), Arc::clone(&samples));
        samples
    }
}

/// Runs espeak-ng and takes the samples of the WAV it writes.
///
/// - The text goes in on standard input: a cue (which may say how much
///   pain a person reported) is not shown to other users in `ps`.
/// - espeak-ng sets up its sound output even when it only writes a WAV,
///   which leaves a `pulse` folder in the runtime folder: it is given a
///   private one of its own, removed after.
fn espeak_samples(espeak: &Path, text: &str) -> std::io::Result<Vec<i16>> {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let runtime_dir = std::env::temp_dir().join(format!(
        "posecoach-speech-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    crate::files::create_private_dir(&runtime_dir)?;
    let spoken = (|| {
        let mut child = Command::new(espeak)
            .args(["--stdout", "-s", &SPEECH_WPM.to_string()])
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            // One line: espeak-ng reads standard input to its end.
            stdin.write_all(text.replace(['\n', '\r'], " ").as_bytes())?;
        }
        child.wait_with_output()
    })();
    let _ignored = std::fs::remove_dir_all(&runtime_dir);
    let output = spoken?;
    if !output.status.success() {
        return Err(std::io::Error::other(format!("exit {}", output.status)));
    }
    let (rate, samples) = parse_wav(&output.stdout)
        .ok_or_else(|| std::io::Error::other("no 16-bit mono WAV on its output"))?;
    Ok(resample(&samples, rate, SAMPLE_RATE_HZ)
        .into_iter()
        .map(|s| (f64::from(s) * SPEECH_GAIN) as i16)
        .collect())
}

/// The sample rate and samples of a 16-bit mono WAV (the data chunk may
/// claim any size: a streamed WAV does not know its length).
pub fn parse_wav(bytes: &[u8]) -> Option<(u32, Vec<i16>)> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return None;
    }
    let mut pos = 12;
    let mut rate = None;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let size = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().ok()?) as usize;
        let body = pos + 8;
        if id == b"fmt " {
            let fmt = bytes.get(body..body + 16)?;
            let channels = u16::from_le_bytes([fmt[2], fmt[3]]);
            let bits = u16::from_le_bytes([fmt[14], fmt[15]]);
            if channels != 1 || bits != 16 {
                return None;
            }
            rate = Some(u32::from_le_bytes(fmt[4..8].try_into().ok()?));
        } else if id == b"data" {
            let end = body.saturating_add(size).min(bytes.len());
            let samples = bytes[body..end]
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect();
            return Some((rate?, samples));
        }
        pos = body + size + (size & 1);
    }
    None
}

/// Linear resampling (espeak-ng speaks at 22050 Hz already; this is for
/// builds that do not).
fn resample(samples: &[i16], from_hz: u32, to_hz: u32) -> Vec<i16> {
    if from_hz == to_hz || samples.is_empty() || from_hz == 0 {
        return samples.to_vec();
    }
    let n = (samples.len() as u64 * u64::from(to_hz) / u64::from(from_hz)) as usize;
    (0..n)
        .map(|i| {
            let x = i as f64 * f64::from(from_hz) / f64::from(to_hz);
            let j = (x as usize).min(samples.len() - 1);
            let k = (j + 1).min(samples.len() - 1);
            let f = x - j as f64;
            (f64::from(samples[j]) * (1.0 - f) + f64::from(samples[k]) * f) as i16
        })
        .collect()
}

/// The WAV header for `n_samples` of 16-bit mono audio.
pub fn wav_header(n_samples: usize) -> Vec<u8> {
    let data_bytes = (n_samples * 2) as u32;
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data_bytes).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes()); // PCM
    h.extend_from_slice(&1u16.to_le_bytes()); // mono
    h.extend_from_slice(&SAMPLE_RATE_HZ.to_le_bytes());
    h.extend_from_slice(&(SAMPLE_RATE_HZ * 2).to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_bytes.to_le_bytes());
    h
}

/// Sounds laid out on the session's clock, written as one WAV file. Only
/// the sounds are kept; the silence between them is written as the file
/// is, so a long session costs no more memory than its cues.
#[derive(Debug)]
pub struct Timeline {
    path: PathBuf,
    /// Each sound and the sample it starts at, in the order added (each
    /// chunk written looks at them all: a session has hundreds, not millions).
    sounds: Vec<(usize, Arc<[i16]>)>,
    /// Samples in the file.
    len: usize,
}

/// Samples mixed at a time when the file is written.
const MIX_CHUNK_SAMPLES: usize = 1 << 16;

fn sample_at(t_ms: f64) -> usize {
    (t_ms.max(0.0) / 1000.0 * f64::from(SAMPLE_RATE_HZ)) as usize
}

impl Timeline {
    pub fn new(path: &Path) -> Timeline {
        Timeline {
            path: path.to_path_buf(),
            sounds: Vec::new(),
            len: 0,
        }
    }

    /// Mixes `sound` in starting at `t_ms`.
    pub fn add(&mut self, t_ms: f64, sound: Arc<[i16]>) {
        let start = sample_at(t_ms);
        self.len = self.len.max(start + sound.len());
        self.sounds.push((start, sound));
    }

    /// Pads with silence up to `t_ms` (the end of the session).
    pub fn extend_to(&mut self, t_ms: f64) {
        self.len = self.len.max(sample_at(t_ms));
    }

    /// The samples from `from`, `into.len()` of them, every sound mixed in.
    fn mix(&self, from: usize, into: &mut [i16]) {
        into.fill(0);
        let to = from + into.len();
        for (start, sound) in &self.sounds {
            let end = start + sound.len();
            if end <= from || *start >= to {
                continue;
            }
            let (first, last) = ((*start).max(from), end.min(to));
            for i in first..last {
                let out = &mut into[i - from];
                *out = out.saturating_add(sound[i - start]);
            }
        }
    }

    /// Writes the file, owner-only and whole or not at all.
    pub fn write(&self) -> Result<(), AudioError> {
        let mut chunk = vec![0i16; MIX_CHUNK_SAMPLES];
        let mut bytes = Vec::with_capacity(MIX_CHUNK_SAMPLES * 2);
        files::replace_private(&self.path, |out| {
            out.write_all(&wav_header(self.len))?;
            let mut from = 0;
            while from < self.len {
                let n = MIX_CHUNK_SAMPLES.min(self.len - from);
                self.mix(from, &mut chunk[..n]);
                bytes.clear();
                bytes.extend(chunk[..n].iter().flat_map(|s| s.to_le_bytes()));
                out.write_all(&bytes)?;
                from += n;
            }
            Ok(())
        })
        .map_err(|source| AudioError::Write {
            path: self.path.clone(),
            source,
        })
    }
}

/// Plays samples on the speakers: one output stream for the whole
/// session, opened once, with every sound mixed into it in-process (rodio
/// over cpal and ALSA), so a tone and a cue at the same moment both play.
/// Without a sound device it says so once and stays silent.
pub struct Speakers {
    sink: Option<rodio::stream::MixerDeviceSink>,
    /// When the last sound mixed in ends.
    playing_until: std::cell::Cell<std::time::Instant>,
}

impl std::fmt::Debug for Speakers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speakers")
            .field("open", &self.sink.is_some())
            .finish()
    }
}

/// The samples as rodio takes them.
fn to_f32(samples: &[i16]) -> Vec<f32> {
    samples
        .iter()
        .map(|&s| f32::from(s) / f32::from(i16::MAX))
        .collect()
}

/// Where the system lists its sound cards.
const SOUND_CARDS: &str = "/proc/asound/cards";

/// Whether there is anything to play on: a sound card, or a sound server
/// (PulseAudio, PipeWire) that ALSA's default device may lead to. Asking
/// ALSA with neither makes it print its own errors on the terminal.
fn sound_output_present() -> bool {
    let cards = std::fs::read_to_string(SOUND_CARDS).unwrap_or_default();
    let has_card = cards.lines().any(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
    });
    let server = std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| {
        let dir = PathBuf::from(dir);
        dir.join("pulse/native").exists() || dir.join("pipewire-0").exists()
    });
    // ALSA_CONFIG_PATH: the person configured ALSA themselves.
    has_card
        || server
        || std::env::var_os("PULSE_SERVER").is_some()
        || std::env::var_os("ALSA_CONFIG_PATH").is_some()
}

/// The longest wait at the end of a session for its last sounds to play.
const MAX_DRAIN: std::time::Duration = std::time::Duration::from_secs(5);

impl Speakers {
    pub fn new() -> Speakers {
        Speakers::opened(true)
    }

    /// The speakers; `say_if_none` false keeps quiet about there being
    /// none (a session started muted plays nothing).
    pub fn opened(say_if_none: bool) -> Speakers {
        if !sound_output_present() {
            if say_if_none {
                tracing::warn!("no sound card or sound server found: sound is off");
            } else {
                tracing::debug!("no sound card or sound server found: sound is off");
            }
            return Speakers::silent();
        }
        match rodio::DeviceSinkBuilder::open_default_sink() {
            Ok(mut sink) => {
                sink.log_on_drop(false);
                Speakers {
                    sink: Some(sink),
                    ..Speakers::silent()
                }
            }
            Err(e) => {
                tracing::warn!("cannot play sound ({e}); sound is off");
                Speakers::silent()
            }
        }
    }

    fn silent() -> Speakers {
        Speakers {
            sink: None,
            playing_until: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    /// Waits (at most a few seconds) for the sounds mixed in to end, so the
    /// session's last words are heard.
    pub fn drain(&self) {
        let now = std::time::Instant::now();
        let until = self.playing_until.get().min(now + MAX_DRAIN);
        if self.sink.is_some() && until > now {
            std::thread::sleep(until - now);
        }
    }

    /// Whether a sound device is open.
    pub fn is_open(&self) -> bool {
        self.sink.is_some()
    }

    /// Mixes `samples` in now; returns at once.
    pub fn play(&self, samples: &[i16]) {
        let (Some(sink), Some(channels), Some(rate)) = (
            &self.sink,
            std::num::NonZero::new(1u16),
            std::num::NonZero::new(SAMPLE_RATE_HZ),
        ) else {
            return;
        };
        if samples.is_empty() {
            return;
        }
        let length =
            std::time::Duration::from_secs_f64(samples.len() as f64 / f64::from(SAMPLE_RATE_HZ));
        let now = std::time::Instant::now();
        // Sounds are mixed, not queued: the last to end counts.
        self.playing_until
            .set(self.playing_until.get().max(now + length.min(MAX_DRAIN)));
        sink.mixer().add(rodio::buffer::SamplesBuffer::new(
            channels,
            rate,
            to_f32(samples),
        ));
    }
}

impl Default for Speakers {
    fn default() -> Self {
        Speakers::new()
    }
}

/// A cue that would be spoken later than this after it was asked for is
/// dropped: the moment it was about has passed.
pub const STALE_CUE: std::time::Duration = std::time::Duration::from_millis(1500);

/// Whether a sound asked for at `asked` is still worth playing now: tones
/// always (they are short and mean "now"), speech within [`STALE_CUE`].
pub fn still_timely(sound: &Sound, asked: std::time::Instant, now: std::time::Instant) -> bool {
    !matches!(sound, Sound::Speech(_)) || now.saturating_duration_since(asked) <= STALE_CUE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_cue_is_dropped_and_a_tone_never() {
        let asked = std::time::Instant::now();
        let late = asked + STALE_CUE + std::time::Duration::from_millis(1);
        let speech = Sound::Speech("Hold it".into());
        assert!(still_timely(&speech, asked, asked + STALE_CUE));
        assert!(!still_timely(&speech, asked, late));
        assert!(still_timely(&Sound::Rep, asked, late));
    }

    #[test]
    fn samples_reach_the_mixer_at_full_scale() {
        let f = to_f32(&[i16::MAX, 0, -i16::MAX]);
        assert_eq!(f, [1.0, 0.0, -1.0]);
    }

    #[test]
    fn a_tone_has_its_length_and_a_written_file_reads_back() {
        let tone = synthesise(&[(REP_TONE_HZ, REP_TONE_MS)]);
        assert_eq!(tone.len(), (REP_TONE_MS / 1000.0 * 22050.0) as usize);
        assert!(tone.iter().map(|s| s.unsigned_abs()).max().unwrap() > 10_000);
        let dir = std::env::temp_dir().join(format!("posecoach-timeline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("session.wav");
        let mut timeline = Timeline::new(&path);
        timeline.add(1000.0, tone.clone().into());
        // Two sounds at once are mixed; the file ends where it was extended.
        timeline.add(1000.0, tone.clone().into());
        timeline.extend_to(4000.0);
        timeline.write().unwrap();
        let (rate, samples) = parse_wav(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(rate, SAMPLE_RATE_HZ);
        assert_eq!(samples.len(), 4 * 22050);
        assert!(samples[..22050].iter().all(|&s| s == 0));
        let loud = |s: i16| i32::from(s).unsigned_abs();
        let peak = samples[22050..22050 + tone.len()]
            .iter()
            .map(|&s| loud(s))
            .max();
        let one = tone.iter().map(|&s| loud(s)).max();
        assert!(peak > one, "mixed: {peak:?} > {one:?}");
        assert!(samples[22050 + tone.len()..].iter().all(|&s| s == 0));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "owner-only");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
