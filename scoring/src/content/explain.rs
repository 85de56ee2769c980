//! Explanations: every component in words, and the one or two changes worth the most points.

use serde::{Deserialize, Serialize};

use super::{CohortLevel, Component, ContentKind, ContentPiece, ContentScore, Scorer, ValueGrade};

/// Display names of a piece's cohort, supplied by the caller (the scoring core only knows ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CohortLabels<'a> {
    /// Market, e.g. "US".
    pub market: &'a str,
    /// Niche, e.g. "skincare".
    pub niche: &'a str,
    /// Parent niche, e.g. "beauty".
    pub parent_niche: &'a str,
}

/// One component in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentExplanation {
    /// Which component.
    pub component: Component,
    /// Raw value.
    pub rate: f64,
    /// Percentile in the cohort.
    pub percentile: f64,
    /// Weight of the component.
    pub weight: f64,
    /// Points it contributes to the base score.
    pub points: f64,
    /// Cohort level used.
    pub level: CohortLevel,
    /// E.g. "Your comment rate is 0.42%, at the 22nd percentile of US skincare videos by micro
    /// creators (10k-100k followers) published in the last 28 days (20% weight, 4.4 points)."
    pub text: String,
}

/// A change that would add points, with its expected gain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The component to improve, or `None` for a change of value grade.
    pub component: Option<Component>,
    /// Percentile to reach, for a component.
    pub target_percentile: Option<f64>,
    /// Value to reach (the cohort's value at that percentile), for a component.
    pub target_rate: Option<f64>,
    /// Points the final score would gain, all else equal.
    pub gain: f64,
    /// The suggestion in words.
    pub text: String,
}

/// A score explained for its creator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The final score.
    pub score: f64,
    /// One sentence on how the score was put together.
    pub summary: String,
    /// The components in words.
    pub components: Vec<ComponentExplanation>,
    /// The most valuable changes, best first (at most `max_suggestions`).
    pub suggestions: Vec<Suggestion>,
}

impl Scorer<'_> {
    /// Explains `score`, which must be this scorer's score of `piece`.
    pub fn explain(
        &self,
        piece: &ContentPiece,
        score: &ContentScore,
        labels: &CohortLabels<'_>,
    ) -> Explanation {
        let config = self.config();
        let cohort = self
            .snapshot()
            .cohort(score.kind, &piece.cohort, config.min_cohort_size);
        let group = cohort_words(piece, score, labels, self.snapshot().window_days());
        let components = score
            .components
            .iter()
            .map(|c| ComponentExplanation {
                component: c.component,
                rate: c.rate,
                percentile: c.percentile,
                weight: c.weight,
                points: c.points,
                level: c.level,
                text: if score.peers == 0 {
                    format!(
                        "Your {} is {}; there are no comparable {} yet, so it counts as average ({:.0}% weight, {:.1} points).",
                        c.component.name(),
                        c.component.format_value(c.rate),
                        score.kind.plural(),
                        c.weight * 100.0,
                        c.points
                    )
                } else {
                    format!(
                        "Your {} is {}, at the {} percentile of {group} ({:.0}% weight, {:.1} points).",
                        c.component.name(),
                        c.component.format_value(c.rate),
                        ordinal(c.percentile),
                        c.weight * 100.0,
                        c.points
                    )
                },
            })
            .collect();

        let mut suggestions = Vec::new();
        if !score.frozen {
            for (i, c) in score.components.iter().enumerate() {
                let Some(&target) = config
                    .suggestion_targets
                    .iter()
                    .find(|t| **t > c.percentile)
                else {
                    continue;
                };
                let words = if target == 50.0 {
                    "the median".to_string()
                } else {
                    format!("the {} percentile", ordinal(target))
                };
                let Some(target_rate) = cohort.value_at_percentile(i, target) else {
                    continue;
                };
                let base = score.base + c.weight * (target - c.percentile);
                let gain = self
                    .finish(base, piece.value_grade, &piece.moderation)
                    .score
                    - score.score;
                suggestions.push(Suggestion {
                    component: Some(c.component),
                    target_percentile: Some(target),
                    target_rate: Some(target_rate),
                    gain,
                    text: format!(
                        "Your {} is at the {} percentile of {group}; reaching {words} ({}) adds {}.",
                        c.component.name(),
                        ordinal(c.percentile),
                        c.component.format_value(target_rate),
                        points(gain)
                    ),
                });
            }
            if piece.value_grade != ValueGrade::StronglyUseful {
                let strong = self.finish(score.base, ValueGrade::StronglyUseful, &piece.moderation);
                let gain = strong.score - score.score;
                suggestions.push(Suggestion {
                    component: None,
                    target_percentile: None,
                    target_rate: None,
                    gain,
                    text: format!(
                        "Detailed, useful content such as step-by-step tutorials counts {:.2}x; the same engagement on such a piece adds {}.",
                        strong.value_factor,
                        points(gain)
                    ),
                });
            }
        }
        suggestions.retain(|s| s.gain >= config.min_suggestion_gain);
        suggestions.sort_by(|a, b| b.gain.total_cmp(&a.gain));
        suggestions.truncate(config.max_suggestions);

        Explanation {
            score: score.score,
            summary: summary(piece, score),
            components,
            suggestions,
        }
    }
}

/// "US skincare videos by micro creators (...) published in the last 28 days", at the level used.
fn cohort_words(
    piece: &ContentPiece,
    score: &ContentScore,
    labels: &CohortLabels<'_>,
    window_days: u32,
) -> String {
    let what = match score.level {
        CohortLevel::Niche => format!("{} {}", labels.market, labels.niche),
        CohortLevel::ParentNiche => format!("{} {}", labels.market, labels.parent_niche),
        CohortLevel::Market => format!("all {}", labels.market),
    };
    format!(
        "{what} {} by {} published in the last {window_days} days",
        score.kind.plural(),
        piece.cohort.tier.label()
    )
}

fn summary(piece: &ContentPiece, score: &ContentScore) -> String {
    if score.frozen {
        return "Score 0: an upheld severe violation zeroed the score and stopped distribution."
            .to_string();
    }
    let grade = match piece.value_grade {
        ValueGrade::StronglyUseful => "strongly useful",
        ValueGrade::WeaklyUseful => "weakly useful",
        ValueGrade::NotUseful => "not useful",
    };
    let mut text = format!(
        "Score {:.0} of 100: engagement {:.1} times {:.2} for {grade} content",
        score.score, score.base, score.value_factor
    );
    if score.penalty > 0.0 {
        let m = piece.moderation;
        text.push_str(&format!(
            ", minus {:.0} for upheld violations ({} minor, {} major)",
            score.penalty, m.minor, m.major
        ));
    }
    text.push_str(&format!(
        "; confidence {:.0}% from {} {} and {} comparable pieces.",
        score.confidence * 100.0,
        score.audience,
        match score.kind {
            ContentKind::Video => "views",
            ContentKind::Live => "viewers",
        },
        score.peers
    ));
    text
}

/// "6 points", "1 point", "0.6 points".
fn points(gain: f64) -> String {
    let rounded = gain.round();
    if gain < 0.95 {
        format!("{gain:.1} points")
    } else if rounded == 1.0 {
        "1 point".to_string()
    } else {
        format!("{rounded:.0} points")
    }
}

/// "1st", "22nd", "13th"; percentiles shown within 1..=99 as a creator expects.
fn ordinal(percentile: f64) -> String {
    let n = percentile.round().clamp(1.0, 99.0) as u32;
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_naturally() {
        let got: Vec<String> = [1.0, 2.2, 3.0, 11.0, 12.4, 13.0, 21.0, 22.0, 0.2, 99.9]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "22nd", "1st", "99th"
            ]
        );
    }

    #[test]
    fn points_are_rounded_for_reading() {
        assert_eq!(points(6.3), "6 points");
        assert_eq!(points(1.2), "1 point");
        assert_eq!(points(0.6), "0.6 points");
    }
}
