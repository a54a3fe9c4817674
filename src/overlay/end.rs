//! The end of a session: what was done against the plan, any hold that
//! fell short, the pain before and after, and when to do it next. It stays
//! until the person dismisses it.

use super::{BACKGROUND, CARD, Canvas, GOOD, GREY, Layout, PANEL, TextRenderer, WARN, WHITE};
use crate::exercise::model::{Counting, Exercise, Frequency, Period};
use crate::session::{ExerciseSummary, SessionSummary};

/// The title when every exercise's plan was done, and when not.
pub const TITLE: &str = "Session complete";
pub const TITLE_ENDED: &str = "Session ended";
/// The keys, when the home screen is there to go back to.
pub const KEYS_HOME: &str = "Enter or click: back to the start   Q: quit";
pub const KEYS_CLOSE: &str = "Enter, click or Q: close";

/// One exercise's line on the end screen.
#[derive(Debug, Clone, PartialEq)]
pub struct EndRow {
    /// The exercise's name ("Wall slide").
    pub name: String,
    /// Done against the plan: "5 of 5 repetitions".
    pub done: String,
    /// All the plan done.
    pub complete: bool,
    /// Holds that fell short: "held 3.2 of 5 s".
    pub short_holds: Vec<String>,
    /// When to do it next, by the guide's advice.
    pub next: Option<String>,
}

/// What the end screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EndScreen {
    pub rows: Vec<EndRow>,
    /// "Pain: 4 before, 2 after", when any was given.
    pub pain: Option<String>,
    /// Enter goes back to the home screen (else it closes).
    pub home: bool,
    /// The body model's demonstration: nothing was saved.
    pub demonstration: bool,
}

/// How many of what one session of `exercise` asks for: (count, "repetitions").
pub fn planned(exercise: &Exercise) -> (u32, &'static str) {
    let what = match exercise.reps.counting {
        Counting::Circles { .. } => "circles",
        Counting::Holds => "holds",
        Counting::Sequence(_) => "repetitions",
    };
    let count = exercise.per_set() * exercise.reps.sets.max(1) * exercise.sides_counted();
    (count, what)
}

/// When to do it again, by how often the guide advises it: "Next: later
/// today (2 to 3 times a day)".
pub fn next_time(frequency: &Frequency) -> String {
    let when = match frequency.per {
        Period::Day if frequency.max >= 2 => "later today".to_string(),
        Period::Day => "tomorrow".to_string(),
        Period::Week => {
            let days = (7.0 / f64::from(frequency.max.max(1))).round().max(1.0) as u32;
            match days {
                1 => "tomorrow".to_string(),
                n => format!("in {n} days"),
            }
        }
    };
    format!("Next: {when} ({})", frequency.describe())
}

impl EndScreen {
    /// The end screen of `summary`, with each exercise looked up by id.
    pub fn new<'a>(
        summary: &SessionSummary,
        exercise: impl Fn(&str) -> Option<&'a Exercise>,
        home: bool,
        demonstration: bool,
    ) -> EndScreen {
        let rows = summary
            .exercises
            .iter()
            .map(|e| row(e, exercise(&e.id)))
            .collect();
        let pain = match (summary.pain.before, summary.pain.after) {
            (None, None) => None,
            (before, after) => {
                let score = |s: Option<u8>| s.map_or("not given".to_string(), |s| s.to_string());
                Some(format!(
                    "Pain: {} before, {} after",
                    score(before),
                    score(after)
                ))
            }
        };
        EndScreen {
            rows,
            pain,
            home,
            demonstration,
        }
    }

    pub fn keys(&self) -> &'static str {
        if self.home { KEYS_HOME } else { KEYS_CLOSE }
    }
}

fn row(summary: &ExerciseSummary, exercise: Option<&Exercise>) -> EndRow {
    let (done, complete) = match exercise.map(|e| (e, planned(e))) {
        Some((exercise, (planned, what))) => {
            // Circles are counted as repetitions.
            let count = match exercise.reps.counting {
                Counting::Holds => summary.holds.len(),
                Counting::Sequence(_) | Counting::Circles { .. } => summary.reps.len(),
            } as u32;
            (format!("{count} of {planned} {what}"), count >= planned)
        }
        None => (
            format!(
                "{} repetitions, {} holds",
                summary.reps.len(),
                summary.holds.len()
            ),
            false,
        ),
    };
    EndRow {
        name: exercise.map_or_else(|| summary.id.clone(), |e| e.name.clone()),
        done,
        complete,
        short_holds: summary
            .short_holds
            .iter()
            .map(|h| format!("Hold too short: {}", h.describe()))
            .collect(),
        next: exercise
            .and_then(|e| e.progress.as_ref())
            .map(|p| next_time(&p.frequency)),
    }
}

/// Draws the whole window: the title, a card per exercise, the pain, the
/// keys.
pub fn draw(canvas: &mut Canvas, text: &mut TextRenderer, l: &Layout, end: &EndScreen) {
    canvas.clear(BACKGROUND);
    canvas.fill_rect((0, 0, l.w as i64, l.top_bar_px as i64), PANEL, 1.0);
    let margin = l.h * 0.03;
    let title = if end.rows.iter().all(|r| r.complete) {
        TITLE
    } else {
        TITLE_ENDED
    };
    text.draw(
        canvas,
        (margin, l.top_bar_px * 0.7),
        title,
        l.title_px,
        GOOD,
    );
    let keys = end.keys();
    let keys_w = text.width(keys, l.small_px);
    text.draw(
        canvas,
        (l.w - keys_w - margin, l.top_bar_px * 0.68),
        keys,
        l.small_px,
        WHITE,
    );
    let name_px = l.panel_text_px;
    let small = l.small_px;
    let line = f64::from(small) * 1.5;
    let mut y = l.top_bar_px + margin;
    let card_w = l.w - 2.0 * margin;
    for row in &end.rows {
        let lines = row.short_holds.len() + usize::from(row.next.is_some());
        let card_h = f64::from(name_px) * 1.6 + line * lines as f64;
        if y + card_h > l.h - margin * 3.0 {
            break;
        }
        canvas.fill_rect(
            (margin as i64, y as i64, card_w as i64, card_h as i64),
            CARD,
            1.0,
        );
        let colour = if row.complete { GOOD } else { WARN };
        canvas.fill_rect((margin as i64, y as i64, 8, card_h as i64), colour, 1.0);
        let x = margin * 2.0;
        let mut baseline = y + f64::from(name_px) * 1.2;
        text.draw(canvas, (x, baseline), &row.name, name_px, WHITE);
        let done_w = text.width(&row.done, name_px);
        text.draw(
            canvas,
            (margin + card_w - done_w - margin, baseline),
            &row.done,
            name_px,
            colour,
        );
        baseline += line;
        for short in &row.short_holds {
            text.draw(canvas, (x, baseline), short, small, WARN);
            baseline += line;
        }
        if let Some(next) = &row.next {
            text.draw(canvas, (x, baseline), next, small, GREY);
        }
        y += card_h + margin * 0.5;
    }
    let mut foot = l.h - margin;
    if end.demonstration {
        text.draw(
            canvas,
            (margin, foot),
            super::DEMONSTRATION_LABEL,
            small,
            GREY,
        );
        foot -= line;
    }
    if let Some(pain) = &end.pain {
        text.draw(canvas, (margin, foot), pain, name_px, WHITE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_time_follows_the_advice() {
        let f = |min, max, per| Frequency { min, max, per };
        assert_eq!(
            next_time(&f(2, 3, Period::Day)),
            "Next: later today (2 to 3 times a day)"
        );
        assert_eq!(
            next_time(&f(1, 1, Period::Day)),
            "Next: tomorrow (once a day)"
        );
        assert_eq!(
            next_time(&f(3, 5, Period::Week)),
            "Next: tomorrow (3 to 5 times a week)"
        );
        assert_eq!(
            next_time(&f(2, 2, Period::Week)),
            "Next: in 4 days (twice a week)"
        );
    }
}
