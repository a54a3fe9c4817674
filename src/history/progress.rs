//! Progress week by week, from the history: adherence against the guide's
//! advised frequency, the best range of motion, and stops. Pure: sessions
//! and today's date in, a report out, then text or an SVG chart.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::{RangeInfo, SessionRecord};
use crate::exercise::catalog::Catalog;
use crate::exercise::model::{Better, Frequency, Period};
use crate::report::{escape, extent};

/// Width of a bar at its longest, in characters.
const BAR_CHARS: usize = 24;
/// SVG chart sizes, in user units.
const PANEL_WIDTH: f64 = 900.0;
const PANEL_HEIGHT: f64 = 250.0;
const PLOT_TOP: f64 = 48.0;
const PLOT_BOTTOM: f64 = 40.0;
const PLOT_LEFT: f64 = 55.0;
/// Between the two plots: room for the second one's value axis.
const PLOT_GAP: f64 = 120.0;
const PLOT_RIGHT: f64 = 20.0;
/// At most this many week labels (and range values) along a plot.
const MAX_LABELS: usize = 12;

/// One exercise's week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekStats {
    /// The Monday the week starts on, YYYY-MM-DD.
    pub week_start: String,
    /// Days of the week inside the period looked at (fewer for the current
    /// week, and for the week the history starts in).
    pub days: u32,
    /// Sessions in which the exercise was done (a repetition or a hold).
    pub sessions: u32,
    /// Sessions the guide advises over those days: least, most.
    pub advised: Option<(u32, u32)>,
    /// For advice per day: the days with at least the least advised.
    pub days_on_target: Option<u32>,
    pub reps: u32,
    pub holds: u32,
    pub in_form_s: f64,
    pub best_range: Option<f64>,
    pub pain_stops: u32,
    pub safety_stops: u32,
}

/// One exercise over the weeks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseProgress {
    pub id: String,
    pub name: String,
    pub frequency: Option<Frequency>,
    pub range: Option<RangeInfo>,
    pub weeks: Vec<WeekStats>,
}

impl ExerciseProgress {
    /// Sessions done and advised (least) over the whole period.
    pub fn adherence(&self) -> (u32, Option<u32>) {
        let done = self.weeks.iter().map(|w| w.sessions).sum();
        let advised = self.frequency.map(|_| {
            self.weeks
                .iter()
                .filter_map(|w| w.advised.map(|a| a.0))
                .sum()
        });
        (done, advised)
    }
}

/// A stop, for the list at the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StopEntry {
    pub local_date: String,
    pub exercise_id: String,
    pub reason: String,
    pub pain: bool,
}

/// A hold that ended before its time, for the list at the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortHoldEntry {
    pub local_date: String,
    pub exercise_id: String,
    /// "held 3.2 of 5 s".
    pub held: String,
}

/// Pain and sessions in one week, over every session of the week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PainWeek {
    /// The Monday the week starts on, YYYY-MM-DD.
    pub week_start: String,
    pub sessions: u32,
    /// Sessions with a pain score before or after.
    pub sessions_rated: u32,
    /// Mean pain (0-10, one decimal) of the scores given before and after
    /// the week's sessions; `None` when none was given.
    pub before_mean: Option<f64>,
    pub after_mean: Option<f64>,
    /// The highest score given during a session that week.
    pub during_max: Option<u8>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressReport {
    /// The first and last day looked at, YYYY-MM-DD.
    pub from: String,
    pub to: String,
    pub sessions: u32,
    /// Every week of the period: sessions done and pain before and after.
    pub pain: Vec<PainWeek>,
    pub exercises: Vec<ExerciseProgress>,
    pub stops: Vec<StopEntry>,
    /// Holds that fell short; left out when none did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub short_holds: Vec<ShortHoldEntry>,
}

impl ProgressReport {
    /// Whether any session of the period was rated for pain.
    pub fn has_pain(&self) -> bool {
        self.pain.iter().any(|w| w.sessions_rated > 0)
    }
}

/// The Monday on or before `date`.
fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// Which weeks and days a report covers: the last `weeks` weeks up to
/// `today`, but not before `first_day` (the first session ever; with none,
/// just today).
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Span {
    pub fn new(today: NaiveDate, weeks: u32, first_day: Option<NaiveDate>) -> Span {
        let start = monday_of(today) - Days::new(7 * u64::from(weeks.max(1) - 1));
        let from = first_day.map_or(today, |f| f.max(start)).min(today);
        Span { from, to: today }
    }
}

/// Builds the report from the sessions (any order; those outside the
/// period are ignored). `only` keeps one exercise.
pub fn summarise(
    sessions: &[SessionRecord],
    catalog: &Catalog,
    period: Span,
    only: Option<&str>,
) -> ProgressReport {
    let in_period: Vec<(&SessionRecord, NaiveDate)> = sessions
        .iter()
        .filter_map(|s| {
            let date = NaiveDate::parse_from_str(&s.local_date, "%Y-%m-%d").ok()?;
            let wanted = only.is_none_or(|id| s.exercises.iter().any(|e| e.exercise_id == id));
            (wanted && date >= period.from && date <= period.to).then_some((s, date))
        })
        .collect();
    // The exercises to show: the one asked for, else every one done.
    let mut ids: Vec<String> = Vec::new();
    if let Some(id) = only {
        ids.push(id.to_string());
    } else {
        for (s, _) in &in_period {
            for e in &s.exercises {
                if !ids.contains(&e.exercise_id) {
                    ids.push(e.exercise_id.clone());
                }
            }
        }
    }
    let mut weeks: Vec<NaiveDate> = Vec::new();
    let mut monday = monday_of(period.from);
    while monday <= period.to {
        weeks.push(monday);
        monday = monday + Days::new(7);
    }
    let exercises = ids
        .iter()
        .map(|id| {
            let exercise = catalog.exercise(id);
            let frequency = exercise
                .and_then(|e| e.progress.as_ref())
                .map(|p| p.frequency);
            let range = exercise.and_then(RangeInfo::of);
            let weeks = weeks
                .iter()
                .map(|&monday| week(&in_period, id, monday, period, frequency))
                .collect();
            ExerciseProgress {
                id: id.clone(),
                name: exercise.map_or_else(|| id.clone(), |e| e.name.clone()),
                frequency,
                range,
                weeks,
            }
        })
        .collect();
    // Every exercise result of the period (of the one exercise asked for),
    // with its session.
    let results = || {
        in_period.iter().flat_map(|(s, _)| {
            s.exercises
                .iter()
                .filter(|e| only.is_none_or(|id| id == e.exercise_id))
                .map(move |e| (s, e))
        })
    };
    let stops = results()
        .flat_map(|(s, e)| {
            // The pain stops' reasons come first.
            e.stop_reasons
                .iter()
                .enumerate()
                .map(move |(i, reason)| StopEntry {
                    local_date: s.local_date.clone(),
                    exercise_id: e.exercise_id.clone(),
                    reason: reason.clone(),
                    pain: i < e.pain_stops as usize,
                })
        })
        .collect();
    let short_holds = results()
        .flat_map(|(s, e)| {
            e.short_holds.iter().map(move |held| ShortHoldEntry {
                local_date: s.local_date.clone(),
                exercise_id: e.exercise_id.clone(),
                held: held.clone(),
            })
        })
        .collect();
    let pain = weeks
        .iter()
        .map(|&monday| pain_week(&in_period, monday))
        .collect();
    ProgressReport {
        from: period.from.to_string(),
        to: period.to.to_string(),
        sessions: in_period.len() as u32,
        pain,
        exercises,
        stops,
        short_holds,
    }
}

fn pain_week(sessions: &[(&SessionRecord, NaiveDate)], monday: NaiveDate) -> PainWeek {
    let week: Vec<&SessionRecord> = sessions
        .iter()
        .filter(|(_, date)| *date >= monday && *date < monday + Days::new(7))
        .map(|(s, _)| *s)
        .collect();
    let mean = |scores: Vec<u8>| {
        (!scores.is_empty()).then(|| {
            let sum: f64 = scores.iter().map(|&p| f64::from(p)).sum();
            (sum / scores.len() as f64 * 10.0).round() / 10.0
        })
    };
    PainWeek {
        week_start: monday.to_string(),
        sessions: week.len() as u32,
        sessions_rated: week
            .iter()
            .filter(|s| s.pain_before.is_some() || s.pain_after.is_some())
            .count() as u32,
        before_mean: mean(week.iter().filter_map(|s| s.pain_before).collect()),
        after_mean: mean(week.iter().filter_map(|s| s.pain_after).collect()),
        during_max: week.iter().filter_map(|s| s.pain_during_max).max(),
    }
}

fn week(
    sessions: &[(&SessionRecord, NaiveDate)],
    id: &str,
    monday: NaiveDate,
    period: Span,
    frequency: Option<Frequency>,
) -> WeekStats {
    let first = monday.max(period.from);
    let last = (monday + Days::new(6)).min(period.to);
    let days = (last - first).num_days().max(0) as u32 + 1;
    let mut stats = WeekStats {
        week_start: monday.to_string(),
        days,
        sessions: 0,
        advised: None,
        days_on_target: None,
        reps: 0,
        holds: 0,
        in_form_s: 0.0,
        best_range: None,
        pain_stops: 0,
        safety_stops: 0,
    };
    let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for (session, date) in sessions {
        if *date < first || *date > last {
            continue;
        }
        for e in session.exercises.iter().filter(|e| e.exercise_id == id) {
            if e.done() {
                stats.sessions += 1;
                *per_day.entry(*date).or_default() += 1;
            }
            stats.reps += e.reps;
            stats.holds += e.holds;
            stats.in_form_s += e.in_form_s;
            stats.pain_stops += e.pain_stops;
            stats.safety_stops += e.safety_stops;
            if let Some(r) = &e.range_of_motion {
                stats.best_range = Some(
                    stats
                        .best_range
                        .map_or(r.best, |b| r.range.better.best(b, r.best)),
                );
            }
        }
    }
    if let Some(f) = frequency {
        stats.advised = Some(match f.per {
            Period::Day => (f.min * days, f.max * days),
            // A part week is advised its share, rounded up.
            Period::Week => ((f.min * days).div_ceil(7), (f.max * days).div_ceil(7)),
        });
        if f.per == Period::Day {
            stats.days_on_target = Some(per_day.values().filter(|&&n| n >= f.min).count() as u32);
        }
    }
    stats.in_form_s = (stats.in_form_s * 10.0).round() / 10.0;
    stats
}

/// A bar of `fraction` (0-1) of `BAR_CHARS`, in eighths.
fn bar(fraction: f64) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (fraction.clamp(0.0, 1.0) * (BAR_CHARS * 8) as f64).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    out.push_str(EIGHTHS[eighths % 8]);
    out
}

fn format_value(value: f64, unit: &str) -> String {
    if unit == "deg" {
        format!("{value:.1} deg")
    } else {
        format!("{value:.2} {unit}")
    }
}

/// Where each best value sits between the worst and best of the weeks,
/// for bars that grow as the range improves (0.15 for the worst week).
fn range_fractions(weeks: &[WeekStats], better: Better) -> Vec<Option<f64>> {
    let (lo, hi) = extent(weeks.iter().filter_map(|w| w.best_range));
    weeks
        .iter()
        .map(|w| {
            let v = w.best_range?;
            let span = hi - lo;
            let towards_best = if span < 1e-9 {
                1.0
            } else if better == Better::Higher {
                (v - lo) / span
            } else {
                (hi - v) / span
            };
            Some(0.15 + 0.85 * towards_best)
        })
        .collect()
}

/// The report as text: per exercise, a table by week and two bar charts
/// (sessions against the advice, best range of motion), then the stops.
pub fn text(report: &ProgressReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "History from {} to {}: {} session{}",
        report.from,
        report.to,
        report.sessions,
        if report.sessions == 1 { "" } else { "s" }
    );
    if report.has_pain() {
        pain_text(report, &mut out);
    }
    for ex in &report.exercises {
        let _ = writeln!(out, "\n{} ({})", ex.name, ex.id);
        let (done, advised) = ex.adherence();
        match (ex.frequency, advised) {
            (Some(f), Some(least)) => {
                let _ = writeln!(
                    out,
                    "  Advised {}: {done} session{} done, {least} advised at least ({}%).",
                    f.describe(),
                    if done == 1 { "" } else { "s" },
                    (done * 100).checked_div(least).map_or(100, |p| p.min(999))
                );
            }
            _ => {
                let _ = writeln!(out, "  {done} sessions done (no advised frequency).");
            }
        }
        if let Some(r) = &ex.range {
            let _ = writeln!(
                out,
                "  Range of motion: {} ({}), {} is better.",
                r.measurement,
                r.unit,
                r.better.name()
            );
        }
        let _ = writeln!(
            out,
            "  {:<10}  {:>8}  {:>8}  {:>9}  {:>5}  {:>5}  {:>9}  {:>12}  {:>10}  {:>5}",
            "week of",
            "sessions",
            "advised",
            "on target",
            "reps",
            "holds",
            "good form",
            "best range",
            "pain stops",
            "stops"
        );
        for w in &ex.weeks {
            let advised = w.advised.map_or("-".to_string(), |(a, b)| {
                if a == b {
                    format!("{a}")
                } else {
                    format!("{a}-{b}")
                }
            });
            let on_target = w
                .days_on_target
                .map_or("-".to_string(), |d| format!("{d}/{} days", w.days));
            let best = match (&ex.range, w.best_range) {
                (Some(r), Some(v)) => format_value(v, &r.unit),
                _ => "-".to_string(),
            };
            let _ = writeln!(
                out,
                "  {:<10}  {:>8}  {:>8}  {:>9}  {:>5}  {:>5}  {:>7.0} s  {:>12}  {:>10}  {:>5}",
                w.week_start,
                w.sessions,
                advised,
                on_target,
                w.reps,
                w.holds,
                w.in_form_s,
                best,
                w.pain_stops,
                w.safety_stops
            );
        }
        let most = ex
            .weeks
            .iter()
            .map(|w| w.sessions.max(w.advised.map_or(0, |a| a.0)))
            .max()
            .unwrap_or(0)
            .max(1);
        let _ = writeln!(out, "\n  Sessions per week ('|' marks the least advised)");
        for w in &ex.weeks {
            let mut line = bar(f64::from(w.sessions) / f64::from(most));
            if let Some((least, _)) = w.advised {
                let mark = (f64::from(least) / f64::from(most) * BAR_CHARS as f64).round() as usize;
                let width = line.chars().count();
                if mark >= width {
                    line.push_str(&" ".repeat(mark - width));
                    line.push('|');
                }
            }
            let _ = writeln!(
                out,
                "  {}  {:<width$}  {}",
                w.week_start,
                line,
                w.sessions,
                width = BAR_CHARS + 1
            );
        }
        if let Some(r) = &ex.range
            && ex.weeks.iter().any(|w| w.best_range.is_some())
        {
            let _ = writeln!(out, "\n  Best range of motion per week (longer is better)");
            for (w, fraction) in ex.weeks.iter().zip(range_fractions(&ex.weeks, r.better)) {
                let (line, value) = match (fraction, w.best_range) {
                    (Some(f), Some(v)) => (bar(f), format_value(v, &r.unit)),
                    _ => (String::new(), "-".to_string()),
                };
                let _ = writeln!(
                    out,
                    "  {}  {:<width$}  {}",
                    w.week_start,
                    line,
                    value,
                    width = BAR_CHARS + 1
                );
            }
        }
    }
    if report.exercises.is_empty() {
        let _ = writeln!(out, "\nNo exercises done in this period.");
    }
    let _ = writeln!(out, "\nStops: {}", report.stops.len());
    for s in &report.stops {
        let _ = writeln!(
            out,
            "  {}  {}: {}{}",
            s.local_date,
            s.exercise_id,
            s.reason,
            if s.pain { " (pain)" } else { "" }
        );
    }
    if !report.short_holds.is_empty() {
        let _ = writeln!(out, "\nHolds that fell short: {}", report.short_holds.len());
        for h in &report.short_holds {
            let _ = writeln!(out, "  {}  {}: {}", h.local_date, h.exercise_id, h.held);
        }
    }
    out
}

/// Pain before and after, week by week, beside the sessions done: a table
/// and a bar per score (longer is more pain).
fn pain_text(report: &ProgressReport, out: &mut String) {
    let score = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    let _ = writeln!(
        out,
        "\nPain (0-10, mean of the sessions rated; lower is better)"
    );
    let _ = writeln!(
        out,
        "  {:<10}  {:>8}  {:>5}  {:>6}  {:>5}  {:>6}  {:<width$}  after",
        "week of",
        "sessions",
        "rated",
        "before",
        "after",
        "during",
        "before",
        width = BAR_CHARS / 2 + 1
    );
    for w in &report.pain {
        let half_bar = |v: Option<f64>| v.map_or(String::new(), |v| bar(v / 20.0));
        let _ = writeln!(
            out,
            "  {:<10}  {:>8}  {:>5}  {:>6}  {:>5}  {:>6}  {:<width$}  {}",
            w.week_start,
            w.sessions,
            w.sessions_rated,
            score(w.before_mean),
            score(w.after_mean),
            w.during_max.map_or("-".to_string(), |d| d.to_string()),
            half_bar(w.before_mean),
            half_bar(w.after_mean),
            width = BAR_CHARS / 2 + 1
        );
    }
    let rated: Vec<&PainWeek> = report
        .pain
        .iter()
        .filter(|w| w.before_mean.is_some())
        .collect();
    if let (Some(first), Some(last)) = (rated.first(), rated.last())
        && rated.len() > 1
        && let (Some(a), Some(b)) = (first.before_mean, last.before_mean)
    {
        let trend = if b < a - 0.05 {
            "easing"
        } else if b > a + 0.05 {
            "worse"
        } else {
            "the same"
        };
        let _ = writeln!(
            out,
            "  Pain before a session: {a:.1} in the week of {}, {b:.1} in the week of {} ({trend}).",
            first.week_start, last.week_start
        );
    }
}

/// The report as an SVG chart: per exercise, sessions per week against the
/// advised band on the left, and the best range of motion per week on the
/// right.
pub fn svg(report: &ProgressReport) -> String {
    let pain_panels = usize::from(report.has_pain());
    let height = PANEL_HEIGHT * (report.exercises.len().max(1) + pain_panels) as f64 + 40.0;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{PANEL_WIDTH}" height="{height}" viewBox="0 0 {PANEL_WIDTH} {height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="20" y="26" font-size="18" font-weight="bold">History {} to {}: {} sessions</text>
"#,
        report.from, report.to, report.sessions
    );
    if report.has_pain() {
        pain_panel(report, 40.0, &mut out);
    }
    for (i, ex) in report.exercises.iter().enumerate() {
        panel(ex, 40.0 + (i + pain_panels) as f64 * PANEL_HEIGHT, &mut out);
    }
    out.push_str("</svg>\n");
    out
}

/// Colours of the pain lines: before a session, after it.
const PAIN_BEFORE_COLOUR: &str = "#d0452b";
const PAIN_AFTER_COLOUR: &str = "#2b7bd0";

/// A line of the pain chart: its class, colour and value per week.
type PainSeries = (&'static str, &'static str, fn(&PainWeek) -> Option<f64>);

/// Every session per week on the left; mean pain before (red) and after
/// (blue) per week on the right, on a fixed 0-10 scale.
fn pain_panel(report: &ProgressReport, y0: f64, out: &mut String) {
    let plot_w = (PANEL_WIDTH - PLOT_LEFT - PLOT_GAP - PLOT_RIGHT) / 2.0;
    let plot_h = PANEL_HEIGHT - PLOT_TOP - PLOT_BOTTOM;
    let top = y0 + PLOT_TOP;
    let bottom = top + plot_h;
    let weeks = &report.pain;
    let slot = plot_w / weeks.len().max(1) as f64;
    let label_every = weeks.len().div_ceil(MAX_LABELS).max(1);
    let labelled = |k: usize| (weeks.len() - 1 - k).is_multiple_of(label_every);
    let dot_r = (slot / 3.0).min(4.0);
    let rated: u32 = weeks.iter().map(|w| w.sessions_rated).sum();
    let _ = writeln!(
        out,
        r#"<text class="title" x="20" y="{:.1}" font-size="15" font-weight="bold">Pain and sessions: {rated} of {} sessions rated for pain</text>"#,
        y0 + 24.0,
        report.sessions
    );
    let week_label = |x: f64, k: usize, w: &PainWeek, out: &mut String| {
        if labelled(k) {
            let _ = writeln!(
                out,
                r##"<text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#555">{}</text>"##,
                bottom + 14.0,
                &w.week_start[5..]
            );
        }
    };
    // Left: every session per week.
    let left = PLOT_LEFT;
    let most = weeks.iter().map(|w| w.sessions).max().unwrap_or(0).max(1);
    let y = |v: f64| bottom - v / f64::from(most) * plot_h;
    let _ = writeln!(
        out,
        r##"<rect x="{left}" y="{top:.1}" width="{plot_w:.1}" height="{plot_h:.1}" fill="#fafafa" stroke="#999"/>"##
    );
    for (k, w) in weeks.iter().enumerate() {
        let x = left + k as f64 * slot;
        let _ = writeln!(
            out,
            r##"<rect class="all-sessions" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#3b6fd8"><title>{}: {} sessions</title></rect>"##,
            x + slot * 0.2,
            y(f64::from(w.sessions)),
            slot * 0.6,
            bottom - y(f64::from(w.sessions)),
            w.week_start,
            w.sessions
        );
        week_label(x + slot / 2.0, k, w, out);
    }
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{most}</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">0</text><text x="{left}" y="{:.1}" font-size="12" fill="#333">sessions per week, all exercises</text>"##,
        left - 6.0,
        top + 4.0,
        left - 6.0,
        bottom + 4.0,
        bottom + 32.0
    );
    // Right: pain 0-10.
    let left = PLOT_LEFT + plot_w + PLOT_GAP;
    let y = |v: f64| bottom - v / f64::from(crate::session::MAX_PAIN) * plot_h;
    let _ = writeln!(
        out,
        r##"<rect x="{left:.1}" y="{top:.1}" width="{plot_w:.1}" height="{plot_h:.1}" fill="#fafafa" stroke="#999"/>"##
    );
    let series: [PainSeries; 2] = [
        ("pain-before", PAIN_BEFORE_COLOUR, |w| w.before_mean),
        ("pain-after", PAIN_AFTER_COLOUR, |w| w.after_mean),
    ];
    for (class, colour, value) in series {
        let points: Vec<(f64, f64, &PainWeek)> = weeks
            .iter()
            .enumerate()
            .filter_map(|(k, w)| Some((left + (k as f64 + 0.5) * slot, value(w)?, w)))
            .collect();
        if points.len() > 1 {
            let line: Vec<String> = points
                .iter()
                .map(|(x, v, _)| format!("{x:.1},{:.1}", y(*v)))
                .collect();
            let _ = writeln!(
                out,
                r##"<polyline class="{class}" fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"##,
                line.join(" ")
            );
        }
        for (x, v, w) in points {
            let _ = writeln!(
                out,
                r##"<circle class="{class}" cx="{x:.1}" cy="{:.1}" r="{dot_r:.1}" fill="{colour}"><title>{}: {v:.1}</title></circle>"##,
                y(v),
                w.week_start
            );
        }
    }
    for (k, w) in weeks.iter().enumerate() {
        week_label(left + (k as f64 + 0.5) * slot, k, w, out);
    }
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">10</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">0</text><text x="{left:.1}" y="{:.1}" font-size="12" fill="#333">pain per week (0-10): <tspan fill="{PAIN_BEFORE_COLOUR}">before</tspan>, <tspan fill="{PAIN_AFTER_COLOUR}">after</tspan>; lower is better</text>"##,
        left - 6.0,
        top + 4.0,
        left - 6.0,
        bottom + 4.0,
        bottom + 32.0
    );
}

fn panel(ex: &ExerciseProgress, y0: f64, out: &mut String) {
    let plot_w = (PANEL_WIDTH - PLOT_LEFT - PLOT_GAP - PLOT_RIGHT) / 2.0;
    let plot_h = PANEL_HEIGHT - PLOT_TOP - PLOT_BOTTOM;
    let top = y0 + PLOT_TOP;
    let bottom = top + plot_h;
    let n = ex.weeks.len().max(1) as f64;
    let slot = plot_w / n;
    // Every week labelled up to MAX_LABELS weeks, then every k-th.
    let label_every = ex.weeks.len().div_ceil(MAX_LABELS).max(1);
    let labelled = |k: usize| (ex.weeks.len() - 1 - k).is_multiple_of(label_every);
    let dot_r = (slot / 3.0).min(4.0);
    let (done, advised) = ex.adherence();
    let advice = ex
        .frequency
        .map_or("no advised frequency".to_string(), |f| {
            format!("advised {}", f.describe())
        });
    let _ = writeln!(
        out,
        r#"<text class="title" x="20" y="{:.1}" font-size="15" font-weight="bold">{}: {done} sessions{} ({advice})</text>"#,
        y0 + 24.0,
        escape(&ex.name),
        advised.map_or(String::new(), |a| format!(", at least {a} advised"))
    );
    // Left: sessions per week, the advised band shaded.
    let left = PLOT_LEFT;
    let most = ex
        .weeks
        .iter()
        .map(|w| w.sessions.max(w.advised.map_or(0, |a| a.1)))
        .max()
        .unwrap_or(0)
        .max(1);
    let y = |v: f64| bottom - v / f64::from(most) * plot_h;
    let _ = writeln!(
        out,
        r##"<rect x="{left}" y="{top:.1}" width="{plot_w:.1}" height="{plot_h:.1}" fill="#fafafa" stroke="#999"/>"##
    );
    for (k, w) in ex.weeks.iter().enumerate() {
        let x = left + k as f64 * slot;
        if let Some((a, b)) = w.advised {
            let _ = writeln!(
                out,
                r##"<rect class="advised" x="{x:.1}" y="{:.1}" width="{slot:.1}" height="{:.1}" fill="#2e9e44" fill-opacity="0.18"><title>advised {a} to {b}</title></rect>"##,
                y(f64::from(b)),
                (y(f64::from(a)) - y(f64::from(b))).max(1.0)
            );
        }
        let on_target = w.advised.is_none_or(|(a, _)| w.sessions >= a);
        let _ = writeln!(
            out,
            r##"<rect class="sessions" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {} sessions</title></rect>"##,
            x + slot * 0.2,
            y(f64::from(w.sessions)),
            slot * 0.6,
            bottom - y(f64::from(w.sessions)),
            if on_target { "#3b6fd8" } else { "#e0a030" },
            w.week_start,
            w.sessions
        );
        if w.pain_stops + w.safety_stops > 0 {
            let _ = writeln!(
                out,
                r##"<text class="stop" x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="#b00">&#9650;{}</text>"##,
                x + slot / 2.0,
                y(f64::from(w.sessions)) - 4.0,
                w.pain_stops + w.safety_stops
            );
        }
        if labelled(k) {
            let _ = writeln!(
                out,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#555">{}</text>"##,
                x + slot / 2.0,
                bottom + 14.0,
                &w.week_start[5..]
            );
        }
    }
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{most}</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">0</text><text x="{left}" y="{:.1}" font-size="12" fill="#333">sessions per week (green: advised)</text>"##,
        left - 6.0,
        top + 4.0,
        left - 6.0,
        bottom + 4.0,
        bottom + 32.0
    );
    // Right: best range of motion per week.
    let left = PLOT_LEFT + plot_w + PLOT_GAP;
    let _ = writeln!(
        out,
        r##"<rect x="{left:.1}" y="{top:.1}" width="{plot_w:.1}" height="{plot_h:.1}" fill="#fafafa" stroke="#999"/>"##
    );
    let Some(range) = &ex.range else {
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#777">no range of motion followed</text>"##,
            left + plot_w / 2.0,
            top + plot_h / 2.0
        );
        return;
    };
    let (mut lo, mut hi) = extent(ex.weeks.iter().filter_map(|w| w.best_range));
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.15)
        .max(lo.abs().max(hi.abs()) * 0.05)
        .max(0.01);
    let (lo, hi) = (lo - pad, hi + pad);
    let y = |v: f64| bottom - (v - lo) / (hi - lo) * plot_h;
    let points: Vec<String> = ex
        .weeks
        .iter()
        .enumerate()
        .filter_map(|(k, w)| {
            let v = w.best_range?;
            Some(format!("{:.1},{:.1}", left + (k as f64 + 0.5) * slot, y(v)))
        })
        .collect();
    if points.len() > 1 {
        let _ = writeln!(
            out,
            r##"<polyline class="range" fill="none" stroke="#222" stroke-width="2" points="{}"/>"##,
            points.join(" ")
        );
    }
    for (k, w) in ex.weeks.iter().enumerate() {
        let x = left + (k as f64 + 0.5) * slot;
        if let Some(v) = w.best_range {
            let _ = writeln!(
                out,
                r##"<circle class="best" cx="{x:.1}" cy="{:.1}" r="{dot_r:.1}" fill="#222"><title>{}: {}</title></circle>"##,
                y(v),
                w.week_start,
                format_value(v, &range.unit),
            );
            // Values (the unit is on the axis) need about 40 units each.
            let value_every = (40.0 / slot).ceil() as usize;
            if (ex.weeks.len() - 1 - k).is_multiple_of(value_every.max(label_every)) {
                let _ = writeln!(
                    out,
                    r##"<text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#222">{v:.1}</text>"##,
                    y(v) - 9.0
                );
            }
        }
        if labelled(k) {
            let _ = writeln!(
                out,
                r##"<text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#555">{}</text>"##,
                bottom + 14.0,
                &w.week_start[5..]
            );
        }
    }
    let (best_end, worst_end) = match range.better {
        Better::Higher => (hi, lo),
        Better::Lower => (lo, hi),
    };
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{:.1}</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{:.1}</text><text x="{left:.1}" y="{:.1}" font-size="12" fill="#333">best {} ({}) per week, {} is better</text>"##,
        left - 6.0,
        y(best_end) + 4.0,
        best_end,
        left - 6.0,
        y(worst_end) + 4.0,
        worst_end,
        bottom + 32.0,
        escape(&range.measurement),
        range.unit,
        range.better.name()
    );
}
