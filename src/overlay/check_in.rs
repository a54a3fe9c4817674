//! The pain check-in: "How is your pain?" on the 0-10 scale, asked before
//! and after a session, drawn over the picture in the middle.

use super::{CARD, Canvas, DANGER, GOOD, GREY, Layout, PANEL, Rgb, TextRenderer, WARN, WHITE};
use crate::session::{MAX_PAIN, PainMoment};

/// The check-in's colour: the stripe on its left and its title.
pub const CHECK_IN: Rgb = Rgb(150, 120, 255);

/// The question, as the window asks it.
pub fn title(moment: PainMoment) -> &'static str {
    match moment {
        PainMoment::Before => "Your pain before you start",
        PainMoment::During | PainMoment::After => "Your pain now",
    }
}

/// The keys, as the window explains them.
pub const KEYS: &str = "Click a score, or 0-9 (1 then 0 for 10) or arrows and Enter; Esc to skip";
pub const SCALE: &str = "0 = no pain, 10 = the worst pain imaginable";

/// A score's colour: green at 0 through amber to red at 10.
pub fn score_colour(score: u8) -> Rgb {
    let f = f64::from(score) / f64::from(MAX_PAIN);
    let mix = |a: Rgb, b: Rgb, t: f64| {
        let c = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
        Rgb(c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    };
    if f <= 0.5 {
        mix(GOOD, WARN, f * 2.0)
    } else {
        mix(WARN, DANGER, (f - 0.5) * 2.0)
    }
}

/// Where the box of `score` is: x, y, width and height in pixels.
pub fn score_box(l: &Layout, score: u8) -> (f64, f64, f64, f64) {
    let boxes = f64::from(MAX_PAIN) + 1.0;
    // Centred in the window.
    let area_w = l.w;
    let gap = area_w * 0.008;
    let side = ((area_w * 0.9 - gap * (boxes - 1.0)) / boxes).min(l.h * 0.12);
    let row_w = side * boxes + gap * (boxes - 1.0);
    let x0 = (area_w - row_w) / 2.0;
    let y = l.h * 0.45;
    (x0 + f64::from(score) * (side + gap), y, side, side)
}

/// The score whose box is at (`x`, `y`) in the window, if any.
pub fn score_at(l: &Layout, (x, y): (f64, f64)) -> Option<u8> {
    (0..=MAX_PAIN).find(|&score| {
        let (bx, by, w, h) = score_box(l, score);
        x >= bx && x < bx + w && y >= by && y < by + h
    })
}

/// Draws the check-in: the question, the scale, a box per score with the
/// chosen one raised and outlined, and the keys.
pub fn draw(
    canvas: &mut Canvas,
    text: &mut TextRenderer,
    l: &Layout,
    moment: PainMoment,
    selected: Option<u8>,
) {
    // Centred in the window.
    let area_w = l.w;
    let (first_x, row_y, side, _) = score_box(l, 0);
    let (last_x, ..) = score_box(l, MAX_PAIN);
    let x0 = first_x - side * 0.5;
    let box_w = last_x + side * 1.5 - x0;
    let y0 = l.h * 0.2;
    let box_h = row_y + side * 2.4 - y0;
    canvas.fill_rect(
        (x0 as i64, y0 as i64, box_w as i64, box_h as i64),
        CARD,
        1.0,
    );
    canvas.fill_rect((x0 as i64, y0 as i64, 8, box_h as i64), CHECK_IN, 1.0);
    // One line, centred over the picture.
    let line =
        |canvas: &mut Canvas, text: &mut TextRenderer, s: &str, y: f64, px: u32, colour: Rgb| {
            let x = (area_w - text.width(s, px)) / 2.0;
            text.draw(canvas, (x, y), s, px, colour);
        };
    let title = title(moment);
    let mut y = y0 + f64::from(l.banner_px) * 1.1;
    line(canvas, text, title, y, l.banner_px * 4 / 5, CHECK_IN);
    y += f64::from(l.panel_text_px) * 1.6;
    line(canvas, text, SCALE, y, l.panel_text_px, WHITE);
    for score in 0..=MAX_PAIN {
        let (x, y, w, h) = score_box(l, score);
        let chosen = selected == Some(score);
        let colour = score_colour(score);
        let lift = if chosen { h * 0.15 } else { 0.0 };
        if chosen {
            let pad = (h * 0.08).max(3.0);
            canvas.fill_rect(
                (
                    (x - pad) as i64,
                    (y - lift - pad) as i64,
                    (w + 2.0 * pad) as i64,
                    (h + 2.0 * pad) as i64,
                ),
                WHITE,
                1.0,
            );
        }
        canvas.fill_rect(
            (x as i64, (y - lift) as i64, w as i64, h as i64),
            colour,
            if chosen || selected.is_none() {
                1.0
            } else {
                0.45
            },
        );
        let label = score.to_string();
        let px = (h * 0.55) as u32;
        let label_w = text.width(&label, px);
        text.draw(
            canvas,
            (x + (w - label_w) / 2.0, y - lift + h * 0.7),
            &label,
            px,
            PANEL,
        );
    }
    let below = row_y + side * 1.55;
    let chosen = match selected {
        Some(score) => format!("{score} of {MAX_PAIN}: press Enter"),
        None => String::new(),
    };
    line(canvas, text, &chosen, below, l.panel_text_px, WHITE);
    let keys_y = below + f64::from(l.panel_text_px) * 1.3;
    line(canvas, text, KEYS, keys_y, l.small_px, GREY);
}
