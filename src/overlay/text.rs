//! Text on the canvas: DejaVu Sans Bold (compiled in, licence beside it)
//! rasterised by fontdue, glyphs cached per size.

use std::collections::HashMap;

use fontdue::{Font, FontSettings, Metrics};

use super::canvas::{Canvas, Rgb};

const FONT_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
#[error("the overlay font cannot be read: {0}")]
pub struct FontError(String);

pub struct TextRenderer {
    font: Font,
    glyphs: HashMap<(char, u32), (Metrics, Vec<u8>)>,
}

impl std::fmt::Debug for TextRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextRenderer")
            .field("cached_glyphs", &self.glyphs.len())
            .finish()
    }
}

impl TextRenderer {
    pub fn new() -> Result<TextRenderer, FontError> {
        let font = Font::from_bytes(FONT_TTF, FontSettings::default())
            .map_err(|e| FontError(e.to_string()))?;
        Ok(TextRenderer {
            font,
            glyphs: HashMap::new(),
        })
    }

    fn glyph(&mut self, c: char, size_px: u32) -> &(Metrics, Vec<u8>) {
        let font = &self.font;
        self.glyphs
            .entry((c, size_px))
            .or_insert_with(|| font.rasterize(c, size_px as f32))
    }

    /// Width in pixels of `text` at `size_px`.
    pub fn width(&mut self, text: &str, size_px: u32) -> f64 {
        text.chars()
            .map(|c| f64::from(self.glyph(c, size_px).0.advance_width))
            .sum()
    }

    /// Height of capital letters at `size_px` (for centring).
    pub fn cap_height(&mut self, size_px: u32) -> f64 {
        f64::from(self.glyph('H', size_px).0.height as u32)
    }

    /// Draws `text` with its baseline at `baseline_y` starting at `x`;
    /// returns where it ended.
    pub fn draw(
        &mut self,
        canvas: &mut Canvas,
        (x, baseline_y): (f64, f64),
        text: &str,
        size_px: u32,
        color: Rgb,
    ) -> f64 {
        let mut pen_x = x;
        for c in text.chars() {
            let (metrics, coverage) = self.glyph(c, size_px);
            let left = (pen_x + f64::from(metrics.xmin)).round() as i64;
            let top = (baseline_y - f64::from(metrics.ymin) - metrics.height as f64).round() as i64;
            for gy in 0..metrics.height {
                for gx in 0..metrics.width {
                    let a = coverage[gy * metrics.width + gx];
                    if a > 0 {
                        canvas.blend_pixel(
                            left + gx as i64,
                            top + gy as i64,
                            color,
                            f32::from(a) / 255.0,
                        );
                    }
                }
            }
            pen_x += f64::from(metrics.advance_width);
        }
        pen_x
    }

    /// Splits `text` into lines no wider than `max_width_px` at `size_px`.
    pub fn wrap(&mut self, text: &str, size_px: u32, max_width_px: f64) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size_px) > max_width_px && !line.is_empty() {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_inside_its_box_and_wraps() {
        let mut text = TextRenderer::new().unwrap();
        let mut canvas = Canvas::new(300, 60).unwrap();
        let white = Rgb(255, 255, 255);
        let end = text.draw(&mut canvas, (10.0, 40.0), "Hold it", 30, white);
        assert!(end > 80.0 && end < 200.0, "{end}");
        let lit = canvas.window_pixels().iter().filter(|&&p| p != 0).count();
        assert!(lit > 300, "{lit} pixels lit");
        // Nothing below the baseline except descenders (none here).
        assert!((0..300).all(|x| canvas.get(x, 45) == Some(Rgb(0, 0, 0))));
        let lines = text.wrap("Keep your back flat on the floor", 30, 200.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), "Keep your back flat on the floor");
    }
}
