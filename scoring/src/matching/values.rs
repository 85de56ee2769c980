//! The value components in words. Content score, LTV and P(active) move a creator's rank as
//! surely as its paths do, so a result's explanation says so whenever one lifts it: when it
//! is known, weighs in the blend, and reads above the neutral value a creator without data
//! gets (`rank.missing_value`), i.e. it ranks the creator above one nobody knows anything of.

use std::collections::HashMap;

use super::config::RankConfig;
use super::input::{CreatorDirectory, CreatorProfile};
use super::query::{Component, CreatorMatch};

/// How many creators of each market have each whole content score (0-100): one pass over
/// the directory and no sort, so a caller can rebuild it whenever its directory changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentStanding {
    markets: HashMap<String, [u32; 101]>,
}

impl ContentStanding {
    /// The standing of every scored creator among `profiles`.
    pub fn from_profiles<'a>(profiles: impl IntoIterator<Item = &'a CreatorProfile>) -> Self {
        let mut markets: HashMap<String, [u32; 101]> = HashMap::new();
        for p in profiles {
            if let Some(score) = p.content_score.filter(|s| s.is_finite()) {
                markets.entry(p.market.clone()).or_insert([0; 101])[bucket(score)] += 1;
            }
        }
        Self { markets }
    }

    /// Share of `market`'s scored creators scoring at least `score` (whole points), in (0, 1].
    pub fn top_share(&self, market: &str, score: f64) -> Option<f64> {
        let counts = self.markets.get(market)?;
        let total: u32 = counts.iter().sum();
        let above: u32 = counts[bucket(score)..].iter().sum();
        (total > 0 && above > 0).then(|| f64::from(above) / f64::from(total))
    }
}

fn bucket(score: f64) -> usize {
    score.clamp(0.0, 100.0) as usize
}

/// The bands a content score's rank in its market is told in, in percent.
const TOP_BANDS: [f64; 5] = [1.0, 5.0, 10.0, 25.0, 50.0];

/// A result's explanation: its paths (strongest first), then the value components that lift
/// it, e.g. "content scores in the top 10% of its market (84/100)".
pub fn explanation(
    result: &CreatorMatch,
    directory: &dyn CreatorDirectory,
    standing: &ContentStanding,
    rank: &RankConfig,
) -> Vec<String> {
    let mut words: Vec<String> = result.paths.iter().map(|p| p.text.clone()).collect();
    let Some(profile) = directory.profile(result.creator) else {
        return words;
    };
    let lifts = |component: Component| {
        result
            .components
            .iter()
            .any(|c| c.component == component && c.weight > 0.0 && c.value > rank.missing_value)
    };
    if let Some(score) = profile.content_score.filter(|_| lifts(Component::Content)) {
        let band = standing
            .top_share(&profile.market, score)
            .and_then(|share| TOP_BANDS.into_iter().find(|b| 100.0 * share <= *b));
        words.push(match band {
            Some(band) => {
                format!("content scores in the top {band}% of its market ({score:.0}/100)")
            }
            None => format!("content score {score:.0}/100"),
        });
    }
    if let Some(ltv) = profile.ltv.filter(|_| lifts(Component::Ltv)) {
        words.push(format!(
            "predicted lifetime value {:.1}x its market's average",
            ltv / rank.ltv_reference
        ));
    }
    if let Some(p) = profile.p_active.filter(|_| lifts(Component::PActive)) {
        words.push(format!("likely still selling ({:.0}% chance)", 100.0 * p));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(market: &str, score: f64) -> CreatorProfile {
        CreatorProfile {
            market: market.into(),
            followers: 1,
            ecommerce: true,
            content_score: Some(score),
            ltv: None,
            p_active: None,
            collaborations_total: 0,
            collaborations_delivered: 0,
            recent_violations: 0,
        }
    }

    #[test]
    fn standing_counts_whole_points_per_market() {
        let mut profiles: Vec<_> = (0..100).map(|i| scored("US", f64::from(i))).collect();
        profiles.push(scored("GB", 10.0));
        let standing = ContentStanding::from_profiles(&profiles);
        assert_eq!(standing.top_share("US", 90.4), Some(0.10));
        assert_eq!(standing.top_share("US", 0.0), Some(1.0));
        assert_eq!(standing.top_share("GB", 90.0), None);
        assert_eq!(standing.top_share("JP", 50.0), None);
    }
}
