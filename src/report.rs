//! Session reports people look at: for each exercise, its key measurement
//! over time with the target band shaded, holds and repetitions marked, and
//! a summary table. Rendered as SVG (or HTML around it); pure functions
//! from data to text.

use std::fmt::Write;

use crate::exercise::model::{Counting, Exercise};
use crate::session::ExerciseSummary;

/// Chart size in SVG user units.
const CHART_WIDTH: f64 = 900.0;
const CHART_HEIGHT: f64 = 260.0;
/// Margins around the plot area: left holds the value axis, bottom the time.
const MARGIN_LEFT: f64 = 60.0;
const MARGIN_RIGHT: f64 = 20.0;
const MARGIN_TOP: f64 = 40.0;
const MARGIN_BOTTOM: f64 = 40.0;
/// The summary table under each chart.
const TABLE_HEIGHT: f64 = 64.0;
/// Value-axis ticks.
const VALUE_TICKS: usize = 5;

/// One exercise's data for the report.
#[derive(Debug, Clone)]
pub struct ExerciseTrace<'a> {
    pub exercise: &'a Exercise,
    pub summary: &'a ExerciseSummary,
    /// (t in seconds, value) of the key measurement; None where unseen.
    pub samples: Vec<(f64, Option<f64>)>,
}

/// The measurement a report plots: the one the repetitions are counted by
/// (the first condition of the first phase after the start, or the circle).
pub fn key_measurement(exercise: &Exercise) -> Option<usize> {
    let held = |hold: &crate::exercise::model::Hold| {
        exercise
            .phases
            .get(hold.phase)?
            .conditions
            .first()
            .map(|c| c.measurement)
    };
    match &exercise.reps.counting {
        Counting::Circles { measurement, .. } => Some(*measurement),
        Counting::Holds => held(exercise.hold.as_ref()?),
        Counting::Sequence(sequence) => {
            let working = sequence.get(1).or(sequence.first())?;
            exercise
                .phases
                .get(*working)?
                .conditions
                .first()
                .map(|c| c.measurement)
        }
    }
}

/// The band the key measurement should reach: its form target, else the
/// working phase's enter range.
pub fn target_band(exercise: &Exercise, measurement: usize) -> Option<(f64, f64)> {
    if let Some(f) = exercise.form.iter().find(|f| f.measurement == measurement) {
        return Some((f.target.min, f.target.max));
    }
    let working = match &exercise.reps.counting {
        Counting::Sequence(sequence) => *sequence.get(1)?,
        Counting::Holds => exercise.hold.as_ref()?.phase,
        Counting::Circles { .. } => return None,
    };
    let phase = exercise.phases.get(working)?;
    phase
        .conditions
        .iter()
        .find(|c| c.measurement == measurement)
        .map(|c| (c.enter.min, c.enter.max))
}

/// The least and greatest of `values`: (+inf, -inf) when there are none.
pub(crate) fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// Text made safe inside SVG and HTML elements and attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One exercise's chart as an SVG `<g>`-free fragment placed at `y0`.
fn chart(trace: &ExerciseTrace, y0: f64, out: &mut String) {
    let ex = trace.exercise;
    let Some(m) = key_measurement(ex) else { return };
    let measurement = &ex.measurements[m];
    let band = target_band(ex, m);
    let t_max = trace.samples.last().map_or(1.0, |s| s.0).max(1.0);
    let (mut lo, mut hi) = extent(trace.samples.iter().filter_map(|s| s.1));
    if let Some((a, b)) = band {
        lo = lo.min(a);
        hi = hi.max(b);
    }
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let plot_w = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
    let plot_h = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
    let x = |t: f64| MARGIN_LEFT + t / t_max * plot_w;
    let y = |v: f64| y0 + MARGIN_TOP + (hi - v) / (hi - lo) * plot_h;

    let s = trace.summary;
    let _ = writeln!(
        out,
        r#"<text class="title" x="{MARGIN_LEFT}" y="{:.1}" font-size="16" font-weight="bold">{}: {} repetitions, {} holds, {} sets</text>"#,
        y0 + 22.0,
        escape(&ex.name),
        s.reps.len(),
        s.holds.len(),
        s.sets_completed
    );
    let _ = writeln!(
        out,
        r##"<rect class="plot" x="{MARGIN_LEFT}" y="{:.1}" width="{plot_w:.1}" height="{plot_h:.1}" fill="#fafafa" stroke="#999"/>"##,
        y0 + MARGIN_TOP
    );
    if let Some((a, b)) = band {
        let _ = writeln!(
            out,
            r##"<rect class="target" x="{MARGIN_LEFT}" y="{:.1}" width="{plot_w:.1}" height="{:.1}" fill="#2e9e44" fill-opacity="0.18"><title>target {a:.2} to {b:.2}</title></rect>"##,
            y(b),
            (y(a) - y(b)).max(1.0)
        );
    }
    for h in &s.holds {
        let _ = writeln!(
            out,
            r##"<rect class="hold" x="{:.1}" y="{:.1}" width="{:.1}" height="{plot_h:.1}" fill="#3b6fd8" fill-opacity="0.15"><title>hold {:.1} s ({:.1} s in form)</title></rect>"##,
            x(h.t_start_s),
            y0 + MARGIN_TOP,
            (x(h.t_start_s + h.duration_s) - x(h.t_start_s)).max(1.0),
            h.duration_s,
            h.in_form_s
        );
    }
    // The measurement, broken where it was not seen.
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut String| {
        if run.len() > 1 {
            let _ = writeln!(
                out,
                r##"<polyline class="measurement" fill="none" stroke="#222" stroke-width="1.5" points="{}"/>"##,
                run.join(" ")
            );
        }
        run.clear();
    };
    for &(t, v) in &trace.samples {
        match v {
            Some(v) => run.push(format!("{:.1},{:.1}", x(t), y(v))),
            None => flush(&mut run, out),
        }
    }
    flush(&mut run, out);
    for (i, r) in s.reps.iter().enumerate() {
        let _ = writeln!(
            out,
            r##"<g class="rep"><line x1="{0:.1}" x2="{0:.1}" y1="{1:.1}" y2="{2:.1}" stroke="#d8573b" stroke-width="2"/><text x="{0:.1}" y="{3:.1}" font-size="12" text-anchor="middle" fill="#d8573b">{4}</text><title>repetition {4}: {5:.1} s to {6:.1} s, form {7:.0}</title></g>"##,
            x(r.t_end_s),
            y0 + MARGIN_TOP,
            y0 + MARGIN_TOP + plot_h,
            y0 + MARGIN_TOP - 4.0,
            i + 1,
            r.t_start_s,
            r.t_end_s,
            r.score
        );
    }
    for st in &s.stops {
        let _ = writeln!(
            out,
            r##"<line class="stop" x1="{0:.1}" x2="{0:.1}" y1="{1:.1}" y2="{2:.1}" stroke="#b00" stroke-width="3" stroke-dasharray="6 3"><title>stopped: {3}</title></line>"##,
            x(st.t_s),
            y0 + MARGIN_TOP,
            y0 + MARGIN_TOP + plot_h,
            escape(&st.reason)
        );
    }
    // Axes: values on the left, seconds below.
    for k in 0..=VALUE_TICKS {
        let v = lo + (hi - lo) * k as f64 / VALUE_TICKS as f64;
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{v:.1}</text>"##,
            MARGIN_LEFT - 6.0,
            y(v) + 4.0
        );
    }
    let seconds_step = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0]
        .into_iter()
        .find(|s| t_max / s <= 12.0)
        .unwrap_or(300.0);
    let mut t = 0.0;
    while t <= t_max {
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#555">{t:.0} s</text>"##,
            x(t),
            y0 + CHART_HEIGHT - MARGIN_BOTTOM + 16.0
        );
        t += seconds_step;
    }
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#333">{} ({})</text>"##,
        MARGIN_LEFT,
        y0 + CHART_HEIGHT - 6.0,
        escape(&measurement.name),
        measurement.unit
    );
}

/// The summary table under an exercise's chart, at `y0`.
fn table(summary: &ExerciseSummary, y0: f64, out: &mut String) {
    let form = summary
        .mean_form()
        .map_or("-".to_string(), |f| format!("{f:.0}/100"));
    let cells = [
        ("repetitions", summary.reps.len().to_string()),
        ("holds", summary.holds.len().to_string()),
        ("time in good form", format!("{:.1} s", summary.in_form_s())),
        ("mean form", form),
        ("sets completed", summary.sets_completed.to_string()),
        ("cues", summary.cues.len().to_string()),
        ("stops", summary.stops.len().to_string()),
    ];
    let cell_w = (CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / cells.len() as f64;
    let _ = writeln!(out, r#"<g class="summary">"#);
    for (i, (label, value)) in cells.iter().enumerate() {
        let x = MARGIN_LEFT + i as f64 * cell_w;
        let colour = if *label == "stops" && !summary.stops.is_empty() {
            "#b00"
        } else {
            "#222"
        };
        let _ = writeln!(
            out,
            r##"<rect x="{x:.1}" y="{y0:.1}" width="{cell_w:.1}" height="22" fill="#eee" stroke="#ccc"/><rect x="{x:.1}" y="{:.1}" width="{cell_w:.1}" height="26" fill="white" stroke="#ccc"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#555">{label}</text><text class="cell" x="{:.1}" y="{:.1}" font-size="15" font-weight="bold" text-anchor="middle" fill="{colour}">{}</text>"##,
            y0 + 22.0,
            x + cell_w / 2.0,
            y0 + 15.0,
            x + cell_w / 2.0,
            y0 + 41.0,
            escape(value)
        );
    }
    let _ = writeln!(out, "</g>");
}

/// The report as a standalone SVG document: per exercise, its chart and
/// its summary table.
pub fn svg(traces: &[ExerciseTrace]) -> String {
    let block = CHART_HEIGHT + TABLE_HEIGHT;
    let height = block * traces.len().max(1) as f64;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
"#
    );
    for (i, trace) in traces.iter().enumerate() {
        let y0 = i as f64 * block;
        chart(trace, y0, &mut out);
        table(trace.summary, y0 + CHART_HEIGHT, &mut out);
    }
    out.push_str("</svg>\n");
    out
}

/// The report as an HTML page: the charts, then a table per exercise.
pub fn html(traces: &[ExerciseTrace], title: &str) -> String {
    let mut out = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title>\n<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse;margin:1em 0}} td,th{{border:1px solid #ccc;padding:4px 10px;text-align:right}} th{{background:#eee}}</style></head><body>\n<h1>{0}</h1>\n",
        escape(title)
    );
    out.push_str(&svg(traces));
    for trace in traces {
        let s = trace.summary;
        let in_form = s.in_form_s();
        let _ = writeln!(
            out,
            "<h2>{}</h2>\n<table class=\"summary\"><tr><th>repetitions</th><th>holds</th><th>time in good form</th><th>sets completed</th><th>cues</th><th>stops</th></tr>\n<tr><td>{}</td><td>{}</td><td>{in_form:.1} s</td><td>{}</td><td>{}</td><td>{}</td></tr></table>",
            escape(&trace.exercise.name),
            s.reps.len(),
            s.holds.len(),
            s.sets_completed,
            s.cues.len(),
            s.stops.len()
        );
        if !s.reps.is_empty() {
            out.push_str("<table class=\"reps\"><tr><th>#</th><th>from</th><th>to</th><th>side</th><th>form</th></tr>\n");
            for (i, r) in s.reps.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{:.1} s</td><td>{:.1} s</td><td>{}</td><td>{:.0}</td></tr>",
                    i + 1,
                    r.t_start_s,
                    r.t_end_s,
                    r.side.map_or("-", |s| s.name()),
                    r.score
                );
            }
            out.push_str("</table>\n");
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// The fonts charts are drawn with: compiled in, so a PNG looks the same on
/// every machine.
const FONT_REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");
/// PNG pixels per SVG unit: 2 for a sharp picture on today's screens.
pub const PNG_SCALE: f32 = 2.0;

/// Draws an SVG document (one of this module's charts) into a PNG file's
/// bytes, at `PNG_SCALE` pixels per unit.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_font_data(FONT_REGULAR.to_vec());
    fonts.load_font_data(FONT_BOLD.to_vec());
    fonts.set_sans_serif_family("DejaVu Sans");
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("bad chart: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(PNG_SCALE)
        .ok_or("chart too large")?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("chart too large")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE),
        &mut pixmap.as_mut(),
    );
    // The charts have an opaque white background: no alpha to undo.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let image =
        image::RgbImage::from_raw(size.width(), size.height(), rgb).ok_or("chart buffer size")?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}
