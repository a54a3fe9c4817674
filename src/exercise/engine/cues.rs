//! What the coach says: one cue at a time, the most urgent one, shown long
//! enough to be read and not repeated before its cooldown.

use std::collections::HashMap;

/// A cue stays on screen at least this long, unless a more urgent one comes.
const CUE_MIN_DISPLAY_MS: f64 = 2000.0;
/// How long a message about an event (a rep counted, a hold done) shows.
const EVENT_CUE_MS: f64 = 2500.0;
/// The priority (0-100) of messages about events; files' cues use 1-9.
pub const PRIORITY_EVENT: u8 = 6;

/// A cue whose condition holds now.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub priority: u8,
    pub id: String,
    pub text: String,
    /// Seconds after it went away before it may be said again.
    pub cooldown_s: f64,
}

#[derive(Debug, Clone)]
struct Shown {
    id: String,
    text: String,
    priority: u8,
    shown_ms: f64,
    /// For event messages: when it goes away by itself.
    until_ms: Option<f64>,
}

/// Chooses the cue shown, frame by frame.
#[derive(Debug, Clone, Default)]
pub struct CueArbiter {
    shown: Option<Shown>,
    /// When each cue last went away, for its cooldown.
    cleared_ms: HashMap<String, f64>,
}

impl CueArbiter {
    /// The cue on screen.
    pub fn text(&self) -> Option<&str> {
        self.shown.as_ref().map(|s| s.text.as_str())
    }

    /// Shows `text` at once (a stop), replacing whatever was shown.
    pub fn show(&mut self, t_ms: f64, id: &str, text: &str, priority: u8, until_ms: Option<f64>) {
        if let Some(old) = self.shown.take() {
            self.cleared_ms.insert(old.id, t_ms);
        }
        self.shown = Some(Shown {
            id: id.to_string(),
            text: text.to_string(),
            priority,
            shown_ms: t_ms,
            until_ms,
        });
    }

    /// Takes the frame at `t_ms`: the cues whose conditions hold, and the
    /// first message about an event of this frame (it caused any others).
    /// An event message replaces anything less urgent; otherwise the most
    /// urgent candidate past its cooldown is shown, and the one shown
    /// stays while its condition holds, or at least
    /// [`CUE_MIN_DISPLAY_MS`] while the person is seen. Returns the cue
    /// newly said, as (id, text).
    pub fn choose(
        &mut self,
        t_ms: f64,
        candidates: &[Candidate],
        event: Option<(String, String)>,
        seen: bool,
    ) -> Option<(String, String)> {
        let still_holds = |shown: &Shown| -> bool {
            match shown.until_ms {
                Some(until) => t_ms < until,
                None => candidates.iter().any(|c| c.id == shown.id),
            }
        };
        if let Some((id, text)) = event {
            let urgent = self
                .shown
                .as_ref()
                .is_some_and(|s| s.priority > PRIORITY_EVENT && still_holds(s));
            if !urgent {
                self.show(t_ms, &id, &text, PRIORITY_EVENT, Some(t_ms + EVENT_CUE_MS));
                return Some((id, text));
            }
        }
        let best = candidates
            .iter()
            .filter(|c| {
                self.shown.as_ref().is_some_and(|s| s.id == c.id)
                    || self
                        .cleared_ms
                        .get(&c.id)
                        .is_none_or(|&cleared| t_ms - cleared >= c.cooldown_s * 1000.0)
            })
            .max_by_key(|c| c.priority);
        let keep_shown = self.shown.as_ref().is_some_and(|s| {
            still_holds(s)
                || (s.until_ms.is_none() && t_ms - s.shown_ms < CUE_MIN_DISPLAY_MS && seen)
        });
        match best {
            Some(c) => {
                let replace = match &self.shown {
                    Some(shown) if shown.id == c.id => false,
                    Some(shown) if keep_shown => c.priority > shown.priority,
                    _ => true,
                };
                if replace {
                    self.show(t_ms, &c.id, &c.text, c.priority, None);
                    return Some((c.id.clone(), c.text.clone()));
                }
            }
            None if !keep_shown => {
                if let Some(old) = self.shown.take() {
                    self.cleared_ms.insert(old.id, t_ms);
                }
            }
            None => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(priority: u8, id: &str, cooldown_s: f64) -> Candidate {
        Candidate {
            priority,
            id: id.into(),
            text: format!("say {id}"),
            cooldown_s,
        }
    }

    #[test]
    fn the_most_urgent_is_said_once_while_it_holds() {
        let mut a = CueArbiter::default();
        let both = [cue(3, "low", 0.0), cue(7, "high", 0.0)];
        assert_eq!(
            a.choose(0.0, &both, None, true),
            Some(("high".into(), "say high".into()))
        );
        assert_eq!(a.choose(100.0, &both, None, true), None);
        assert_eq!(a.text(), Some("say high"));
    }

    #[test]
    fn a_cue_stays_long_enough_to_read_unless_a_more_urgent_one_comes() {
        let mut a = CueArbiter::default();
        a.choose(0.0, &[cue(5, "a", 0.0)], None, true);
        // Its condition is gone, but it has shown for only 1 s.
        assert_eq!(a.choose(1000.0, &[cue(4, "b", 0.0)], None, true), None);
        assert_eq!(a.text(), Some("say a"));
        assert_eq!(
            a.choose(1500.0, &[cue(8, "c", 0.0)], None, true),
            Some(("c".into(), "say c".into()))
        );
        // After 2 s a lower one may take over.
        assert_eq!(
            a.choose(3600.0, &[cue(4, "b", 0.0)], None, true),
            Some(("b".into(), "say b".into()))
        );
    }

    #[test]
    fn a_cue_waits_for_its_cooldown_before_it_is_said_again() {
        let mut a = CueArbiter::default();
        let c = [cue(5, "a", 5.0)];
        a.choose(0.0, &c, None, true);
        assert_eq!(a.choose(2500.0, &[], None, true), None);
        assert_eq!(a.text(), None);
        assert_eq!(a.choose(4000.0, &c, None, true), None);
        assert_eq!(
            a.choose(7600.0, &c, None, true).map(|c| c.0),
            Some("a".into())
        );
    }

    #[test]
    fn events_are_said_over_form_cues_but_not_over_urgent_ones() {
        let mut a = CueArbiter::default();
        a.choose(0.0, &[cue(5, "form", 0.0)], None, true);
        let said = a.choose(
            100.0,
            &[cue(5, "form", 0.0)],
            Some(("rep".into(), "1 of 5".into())),
            true,
        );
        assert_eq!(said, Some(("rep".into(), "1 of 5".into())));
        // The event message goes away by itself after 2.5 s.
        assert_eq!(a.choose(2000.0, &[], None, true), None);
        assert_eq!(a.text(), Some("1 of 5"));
        assert_eq!(a.choose(2700.0, &[], None, true), None);
        assert_eq!(a.text(), None);
        // Not seen (priority 90) outranks an event.
        let gone = [cue(90, "not-visible", 0.0)];
        a.choose(3000.0, &gone, None, false);
        assert_eq!(
            a.choose(3100.0, &gone, Some(("rep".into(), "2 of 5".into())), false),
            None
        );
        assert_eq!(a.text(), Some("say not-visible"));
    }
}
