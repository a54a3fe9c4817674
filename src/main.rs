//! The `posecoach` command: parses arguments, sets up logging, and hands
//! over to the application layer.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
mod app;
use posecoach::pose::ModelVariant;

/// Coaching for back-pain relief exercises in front of a webcam, fully
/// offline. Logging is controlled with RUST_LOG (e.g. RUST_LOG=debug).
#[derive(Debug, Parser)]
#[command(name = "posecoach", version, about, long_about = None)]
struct Cli {
    /// Without a command: `run`, which opens on the home screen.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Coach an exercise or a routine live: camera (or a recording), pose
    /// model, checks, and a window with the overlay, sound and keys.
    #[command(
        after_help = "Without --exercise or --routine the window opens on the home screen: arrows and Enter (or a click) choose, C picks the camera.\n\nKeys: Space pause/resume, N/P next/previous exercise, R restart the exercise, M mute,\n      H show me how (the demonstration), G ghost of the target pose, 0-9 pain now,\n      S stop at once (pain), Esc or Q quit. The session is saved either way.\n\nExamples:\n  posecoach run\n  posecoach run --exercise wall-slide\n  posecoach run --routine prevention --source camera:1\n  posecoach run --exercise standing-back-bend --source fixtures/videos/sports2d/demo.mp4\n  posecoach run --exercise wall-slide --source session.posecoach --no-window --json"
    )]
    Run(RunOptions),
    /// Record a session to FILE while coaching it: the same as `run
    /// --record FILE`. Poses only, unless --with-video.
    #[command(
        after_help = "Examples:\n  posecoach record wall-slide.posecoach --exercise wall-slide\n  posecoach record for-my-physio.posecoach --routine prevention --with-video"
    )]
    Record {
        /// The session file to write (readable by you only).
        file: PathBuf,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Find a person's 33 body landmarks in photos or in a video.
    #[command(
        after_help = "Examples:\n  posecoach pose fixtures/photos/messi5.jpg\n  posecoach pose --frames clip.mp4 --model full --json"
    )]
    Pose {
        /// Photos to look at, each on its own (the detector runs on every one).
        #[arg(required_unless_present = "frames")]
        images: Vec<PathBuf>,
        /// A folder of frames (in name order) or a video file, tracked as one video.
        #[arg(long, value_name = "DIR|FILE")]
        frames: Option<PathBuf>,
        /// Landmark model: lite, full, heavy, or a path to an .onnx file.
        #[arg(long, default_value = "lite")]
        model: ModelVariant,
        /// Print one JSON array (MediaPipe reference layout) instead of tables.
        #[arg(long)]
        json: bool,
        /// ONNX Runtime intra-op threads per model.
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
    /// Coach a recorded session, video or folder of frames through the live
    /// pipeline: in a window when there is a display (a review: saved only
    /// with --record, not added to the history), else printing events as
    /// they happen, then a summary.
    #[command(
        after_help = "Examples:\n  posecoach replay fixtures/videos/sports2d/demo.mp4 --exercise wall-slide\n  posecoach replay ~/.local/share/posecoach/sessions/2026-11-24_09-30-05_wall-slide.posecoach --no-window --speed 4\n  posecoach replay clip.mp4 --routine prevention --json\n  posecoach replay clip.mp4 --exercise inversion --param target_angle_deg=45"
    )]
    Replay {
        /// A recorded session (only the exercise engine runs), a video file
        /// or a folder of frames (in name order).
        source: PathBuf,
        /// The exercise to coach (see `posecoach exercises`); a recorded
        /// session's own exercises by default.
        #[arg(long, conflicts_with = "routine")]
        exercise: Option<String>,
        /// A routine: its exercises one after another.
        #[arg(long)]
        routine: Option<String>,
        /// Landmark model: lite, full, heavy, or a path to an .onnx file.
        #[arg(long, default_value = "lite")]
        model: ModelVariant,
        /// Print one JSON summary object instead of events and a table.
        #[arg(long)]
        json: bool,
        /// Also load exercises from this folder.
        #[arg(long, value_name = "DIR", value_parser = existing_dir)]
        exercises: Option<PathBuf>,
        /// Set an exercise parameter, e.g. target_angle_deg=45 (repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE", value_parser = app::replay::parse_param)]
        params: Vec<(String, f64)>,
        /// ONNX Runtime intra-op threads per model.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Record the session (poses with timestamps, exercises, events) to
        /// this file as it goes; readable by you only.
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// Also record the frames (JPEG) in the --record file.
        #[arg(long, requires = "record")]
        with_video: bool,
        /// Play at N times real time (default: real time in the window, as
        /// fast as possible without one).
        #[arg(long, value_name = "N", value_parser = parse_speed)]
        speed: Option<f64>,
        /// No window: print events as they happen, then the summary.
        #[arg(long)]
        no_window: bool,
        /// No sound in the window.
        #[arg(long)]
        mute: bool,
        /// Window size in pixels, WIDTHxHEIGHT.
        #[arg(long, default_value = "1280x720", value_parser = parse_size)]
        size: (usize, usize),
    },
    /// Draw a recorded session: each exercise's key measurement over time,
    /// target band, holds and repetitions, and a summary table.
    #[command(
        after_help = "Example:\n  posecoach report fixtures/sessions/model-wall-slide.posecoach -o wall-slide.html"
    )]
    Report {
        /// A recorded session (see `replay --record`).
        session: PathBuf,
        /// Where to write it: .svg, or .html (with tables).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Also load exercises from this folder.
        #[arg(long, value_name = "DIR", value_parser = existing_dir)]
        exercises: Option<PathBuf>,
    },
    /// Progress week by week: sessions against the guide's advice, the best
    /// range of motion, and stops, as a table and a chart.
    #[command(
        after_help = "Every session `posecoach run` finishes is added to DATA/history.sqlite (see --data-dir).\n\nExamples:\n  posecoach history\n  posecoach history --exercise wall-slide --weeks 12 -o wall-slide.png\n  posecoach history add ~/old-sessions/*.posecoach"
    )]
    History {
        /// Only this exercise.
        #[arg(long)]
        exercise: Option<String>,
        /// How many weeks back, this one included (1 to 520).
        #[arg(long, default_value_t = app::history::DEFAULT_WEEKS, value_parser = clap::value_parser!(u32).range(1..=app::history::MAX_WEEKS))]
        weeks: u32,
        /// The last day shown, YYYY-MM-DD (default today).
        #[arg(long, value_parser = app::history::parse_date)]
        until: Option<chrono::NaiveDate>,
        /// Also draw the chart to this file: .png, .svg or .html.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
        /// The data folder (default: $XDG_DATA_HOME/posecoach or ~/.local/share/posecoach).
        #[arg(long, value_name = "DIR", global = true)]
        data_dir: Option<PathBuf>,
        /// Also load exercises from this folder.
        #[arg(long, value_name = "DIR", value_parser = existing_dir, global = true)]
        exercises: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<HistoryAction>,
    },
    /// Measure milliseconds per frame of each pipeline stage, per model.
    Bench {
        /// The clip to run on: a video file or a folder of frames.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/videos/sports2d/demo.mp4"))]
        source: PathBuf,
        /// Model variants to measure, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "lite,full")]
        models: Vec<ModelVariant>,
        /// Stop after this many frames.
        #[arg(long, default_value_t = 230)]
        frames: usize,
        /// ONNX Runtime intra-op threads per model.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Also time MediaPipe 0.10.21 on the same frames, interleaved:
        /// the Python (of a venv) that has it.
        #[arg(long, value_name = "PYTHON")]
        mediapipe: Option<PathBuf>,
        /// Rounds of the side-by-side comparison, per model.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=20))]
        rounds: u32,
        /// Hours of a synthetic poses-only session to replay for memory and
        /// time (0: skip; at most 24).
        #[arg(long, value_name = "H", default_value_t = 4.0, value_parser = parse_hours)]
        long_replay_hours: f64,
    },
    /// List the installed exercises and routines, or check exercise files.
    #[command(
        after_help = "Examples:\n  posecoach exercises\n  posecoach exercises --json\n  posecoach exercises check my-exercises/side-bend.toml"
    )]
    Exercises {
        /// Also load exercises (and routines/) from this folder; its files
        /// replace installed ones with the same id.
        #[arg(long, value_name = "DIR", value_parser = existing_dir, global = true)]
        exercises: Option<PathBuf>,
        /// Print a JSON object with the exercises and routines.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<ExercisesAction>,
    },
    /// Write the manual page (posecoach.1) and the bash, zsh and fish
    /// completions into DIR: for packaging.
    #[command(hide = true)]
    PackageFiles {
        /// The folder to write them into (made if missing).
        dir: PathBuf,
    },
    /// List the cameras this machine offers.
    Cameras {
        /// Print a JSON list.
        #[arg(long)]
        json: bool,
    },
}

/// The options `run` and `record` share.
#[derive(Debug, Args)]
struct RunOptions {
    /// The exercise to coach (see `posecoach exercises`).
    /// Without --exercise or --routine, the window opens on the home
    /// screen to choose one.
    #[arg(long, conflicts_with = "routine")]
    exercise: Option<String>,
    /// A routine: its exercises one after another, with a "get ready"
    /// countdown between them.
    #[arg(long)]
    routine: Option<String>,
    /// Where frames come from: camera, camera:N, a video file, a folder
    /// of images, a recorded .posecoach session, or demo (the exercises'
    /// own demonstrations, performed by the body model, mistakes included).
    #[arg(long, default_value = "camera", value_name = "camera|demo|FILE|DIR")]
    source: app::run::SourceArg,
    /// Landmark model: lite, full, heavy, or a path to an .onnx file.
    #[arg(long, default_value = "lite")]
    model: ModelVariant,
    /// No window: print events as they happen (for machines without a screen).
    #[arg(long)]
    no_window: bool,
    /// Print events as JSON lines, then the summary as one JSON object.
    #[arg(long)]
    json: bool,
    /// No sound (M in the window toggles it).
    #[arg(long)]
    mute: bool,
    /// Write the sounds to this WAV file, at their times in the session,
    /// instead of playing them.
    #[arg(long, value_name = "FILE.wav")]
    audio_out: Option<PathBuf>,
    /// Save the session to this file (default: a new file in the data
    /// folder's sessions/).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Do not save the session, nor add it to the history.
    #[arg(long, conflicts_with = "record")]
    no_save: bool,
    /// Also record the frames (JPEG, at most 800 px) in the session file.
    /// Off by default: video of you at home is private.
    #[arg(long, conflicts_with = "no_save")]
    with_video: bool,
    /// The data folder (default: $XDG_DATA_HOME/posecoach or ~/.local/share/posecoach).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Treat a file like a camera: real time, stale frames dropped.
    #[arg(long)]
    live: bool,
    /// Play a file at N times real time (0: as fast as possible). Default:
    /// real time in the window, as fast as possible without one.
    #[arg(long, value_name = "N", value_parser = parse_speed)]
    speed: Option<f64>,
    /// Show frames per second, latency and dropped frames, and print
    /// them at the end.
    #[arg(long)]
    stats: bool,
    /// Window size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    size: (usize, usize),
    /// Also load exercises from this folder.
    #[arg(long, value_name = "DIR", value_parser = existing_dir)]
    exercises: Option<PathBuf>,
    /// Set an exercise parameter, e.g. target_angle_deg=45 (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = app::replay::parse_param)]
    params: Vec<(String, f64)>,
    /// ONNX Runtime intra-op threads per model.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Your pain before the session, 0 (none) to 10 (the worst imaginable):
    /// the window then does not ask.
    #[arg(long, value_name = "0-10", value_parser = clap::value_parser!(u8).range(0..=10))]
    pain_before: Option<u8>,
    /// Your pain after the session, 0-10: the window then does not ask.
    #[arg(long, value_name = "0-10", value_parser = clap::value_parser!(u8).range(0..=10))]
    pain_after: Option<u8>,
    /// Do not ask for pain before and after the session in the window.
    #[arg(long)]
    no_check_in: bool,
    /// Do not play each exercise's demonstration before it (H still does).
    #[arg(long)]
    skip_demos: bool,
    /// Close the window when the session ends, instead of leaving the end
    /// screen up until Enter or Q (for scripts).
    #[arg(long)]
    close_at_end: bool,
}

#[derive(Debug, Subcommand)]
enum HistoryAction {
    /// Add recorded sessions (each file once) to the history.
    Add {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ExercisesAction {
    /// Validate exercise or routine files; every problem is printed with
    /// file, key and reason, and the exit code is non-zero if there are any.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Which exercises to coach, from the options `run` and `replay` share.
fn selection(
    exercise: Option<String>,
    routine: Option<String>,
    exercises: Option<PathBuf>,
    params: Vec<(String, f64)>,
) -> app::replay::Selection {
    app::replay::Selection {
        exercise,
        routine,
        user_exercises: exercises,
        params: params.into_iter().collect(),
    }
}

fn run_args(o: RunOptions) -> app::run::RunArgs {
    app::run::RunArgs {
        source: o.source,
        selection: selection(o.exercise, o.routine, o.exercises, o.params),
        variant: o.model,
        intra_threads: o.threads,
        window: !o.no_window,
        json: o.json,
        mute: o.mute,
        audio_out: o.audio_out,
        record: o.record,
        no_save: o.no_save,
        with_video: o.with_video,
        data_dir: o.data_dir,
        live: o.live,
        speed: o.speed,
        stats: o.stats,
        window_size: o.size,
        review: false,
        pain: app::run::PainArgs {
            before: o.pain_before,
            after: o.pain_after,
            ask: !o.no_check_in,
        },
        show_demos: !o.skip_demos,
        back_home: false,
        close_at_end: o.close_at_end,
    }
}

/// The slowest and fastest `--speed` (0, as fast as possible, aside): a
/// hundredth of real time makes a second last 100 s, a hundred times
/// plays an hour in 36 s.
const SPEED_RANGE: std::ops::RangeInclusive<f64> = 0.01..=100.0;

/// Parses `--speed`: a multiple of real time, 0 for as fast as possible.
fn parse_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(speed) if speed == 0.0 || SPEED_RANGE.contains(&speed) => Ok(speed),
        _ => Err(format!(
            "'{text}': give a multiple of real time from {} to {} (0: as fast as possible)",
            SPEED_RANGE.start(),
            SPEED_RANGE.end()
        )),
    }
}

/// Parses `--long-replay-hours`: 0 up to the longest session a recording
/// may hold (a day).
fn parse_hours(text: &str) -> Result<f64, String> {
    let max_h = posecoach::recording::MAX_SESSION_MS / 3_600_000.0;
    match text.parse::<f64>() {
        Ok(h) if (0.0..=max_h).contains(&h) => Ok(h),
        _ => Err(format!("'{text}': give hours from 0 to {max_h}")),
    }
}

/// A folder that is there: `--exercises /no/such/dir` is a mistake to
/// say, not a folder to pass over with a warning.
fn existing_dir(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => Err(format!("{text} is not a folder")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!("no folder {text}")),
        Err(e) => Err(format!("{text}: {e}")),
    }
}

/// Parses `WIDTHxHEIGHT`.
fn parse_size(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("'{text}' is not WIDTHxHEIGHT, e.g. 1280x720");
    let (w, h) = text.split_once('x').ok_or_else(bad)?;
    let (w, h): (usize, usize) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if w < 320 || h < 240 {
        return Err(format!("'{text}': the window must be at least 320x240"));
    }
    Ok((w, h))
}

/// Warnings, but not ONNX Runtime's own about a model's insides: a wrong
/// model gets posecoach's one-line error instead.
const DEFAULT_LOG_FILTER: &str = "warn,ort=error";

/// Runs this program again with ONNX Runtime's telemetry switched off
/// (see `runtime::TELEMETRY_OFF`): the variables must be in the
/// environment before the library loads, and setting them in a running
/// process is not safe. Returns only if that could not be done.
fn exec_without_telemetry() {
    use std::os::unix::process::CommandExt as _;
    if posecoach::runtime::telemetry_off() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let error = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .envs(posecoach::runtime::TELEMETRY_OFF)
        .exec();
    eprintln!("warning: cannot switch ONNX Runtime's telemetry off ({error})");
}

fn main() -> ExitCode {
    exec_without_telemetry();
    quiet_when_the_reader_goes_away();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER)),
        )
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, never escape codes in a
        // file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => exit_on_bad_arguments(&e),
    };
    // `posecoach` alone is `posecoach run`: the home screen.
    let command = cli.command.or_else(|| {
        Cli::try_parse_from(["posecoach", "run"])
            .ok()
            .and_then(|c| c.command)
    });
    let Some(command) = command else {
        eprintln!("error: give a command (see posecoach --help)");
        std::process::exit(2);
    };
    let result = match command {
        Command::Run(options) => app::run::run(&run_args(options)),
        Command::Record { file, options } => {
            if options.record.is_some() || options.no_save {
                Err(anyhow::anyhow!(
                    "record writes to FILE: leave out --record and --no-save"
                ))
            } else {
                app::run::run(&app::run::RunArgs {
                    record: Some(file),
                    ..run_args(options)
                })
            }
        }
        Command::Pose {
            images,
            frames,
            model,
            json,
            threads,
        } => app::pose::run(&app::pose::PoseArgs {
            images,
            frames,
            variant: model,
            json,
            intra_threads: threads,
        }),
        Command::Replay {
            source,
            exercise,
            routine,
            model,
            json,
            exercises,
            params,
            threads,
            record,
            with_video,
            speed,
            no_window,
            mute,
            size,
        } => {
            let selection = selection(exercise, routine, exercises, params);
            if !no_window && app::run::display_available() {
                // The live pipeline, in a window, on the recording.
                app::run::run(&app::run::RunArgs {
                    source: app::run::SourceArg::Path(source),
                    selection,
                    variant: model,
                    intra_threads: threads,
                    window: true,
                    json,
                    mute,
                    audio_out: None,
                    record,
                    no_save: false,
                    with_video,
                    data_dir: None,
                    live: false,
                    speed,
                    stats: false,
                    window_size: size,
                    review: true,
                    pain: app::run::PainArgs::default(),
                    show_demos: false,
                    back_home: false,
                    close_at_end: false,
                })
            } else {
                app::replay::run(&app::replay::ReplayArgs {
                    source,
                    selection,
                    variant: model,
                    json,
                    intra_threads: threads,
                    record,
                    with_video,
                    speed,
                })
                .map(|()| true)
            }
        }
        Command::Report {
            session,
            output,
            exercises,
        } => app::report::run(&app::report::ReportArgs {
            session,
            output,
            user_exercises: exercises,
        })
        .map(|()| true),
        Command::Bench {
            source,
            models,
            frames,
            threads,
            mediapipe,
            rounds,
            long_replay_hours,
        } => app::bench::run(&app::bench::BenchArgs {
            source,
            variants: models,
            max_frames: frames,
            intra_threads: threads,
            mediapipe,
            rounds: rounds as usize,
            long_replay_hours,
        })
        .map(|()| true),
        Command::Exercises {
            exercises,
            json,
            action,
        } => match action {
            Some(ExercisesAction::Check { files }) => Ok(app::exercises::check(&files)),
            None => app::exercises::list(exercises.as_ref(), json),
        },
        Command::History {
            exercise,
            weeks,
            until,
            output,
            json,
            data_dir,
            exercises,
            action,
        } => match action {
            Some(HistoryAction::Add { files }) => {
                app::history::add(data_dir.as_deref(), &files, exercises.as_ref())
            }
            None => app::history::show(&app::history::HistoryArgs {
                data_dir,
                exercise,
                weeks,
                until,
                json,
                output,
                user_exercises: exercises,
            })
            .map(|()| true),
        },
        Command::Cameras { json } => app::cameras::run(json).map(|()| true),
        Command::PackageFiles { dir } => package_files(&dir).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        // The reader went away (`| head`): nothing more to say to anyone.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Whether `e` is the output pipe closed by its reader.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let kind = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => Some(io.kind()),
            None => cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind),
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// `posecoach exercises | head -3`: the reader closes the pipe, and the
/// next line printed (`println!`) panics. That is the end the reader asked
/// for, not a crash: the process ends quietly (what is recorded is already
/// on disk, line by line).
fn quiet_when_the_reader_goes_away() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}

/// Help and version print as clap prints them; a mistake in the arguments
/// is one line (what clap says before its usage block), exit status 2.
fn exit_on_bad_arguments(e: &clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let rendered = e.render().to_string();
    let said: Vec<&str> = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    // clap's "tip: a similar subcommand exists: 'run'" (after a blank
    // line) is kept: a typo gets its correction.
    let tip = rendered
        .lines()
        .filter(|l| l.trim().starts_with("tip: a similar"))
        .find_map(|l| l.split_once("exists: ").map(|(_, name)| name.trim()));
    match tip {
        Some(name) => eprintln!("{}: did you mean {name}?", said.join(" ")),
        None => eprintln!("{}", said.join(" ")),
    }
    std::process::exit(2);
}

/// The manual page and shell completions, from the argument definitions.
fn package_files(dir: &std::path::Path) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use clap::CommandFactory as _;
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let page = dir.join("posecoach.1");
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    std::fs::write(&page, out).with_context(|| format!("{}: cannot write", page.display()))?;
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
    ] {
        clap_complete::generate_to(shell, &mut Cli::command(), "posecoach", dir)
            .with_context(|| format!("{}: cannot write the {shell} completions", dir.display()))?;
    }
    Ok(())
}
