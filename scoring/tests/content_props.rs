//! Property tests of the content score: bounded, monotone in every rate, lowered by violations;
//! and of the pools and the creator aggregate.

use std::sync::OnceLock;

use proptest::prelude::*;
use scoring::content::synthetic::{SyntheticParams, generate};
use scoring::content::*;
use scoring::day::Day;

const AS_OF: Day = Day::new(20_000);

/// A realistic cohort snapshot (one market, five niches), built once for all cases.
fn fixture() -> &'static (ContentConfig, CohortSnapshot, CohortKey) {
    static FIXTURE: OnceLock<(ContentConfig, CohortSnapshot, CohortKey)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let market = generate(&SyntheticParams {
            pieces: 20_000,
            markets: 1,
            niches: 5,
            seed: 11,
            ..SyntheticParams::default()
        })
        .expect("valid parameters");
        let config = ContentConfig::default();
        let snapshot = CohortSnapshot::build(&market.pieces, AS_OF, &config).expect("valid pieces");
        (config, snapshot, market.pieces[0].cohort)
    })
}

fn piece(engagement: Engagement, grade: ValueGrade, moderation: Moderation) -> ContentPiece {
    ContentPiece {
        id: 1,
        cohort: fixture().2,
        published_day: AS_OF,
        value_grade: grade,
        engagement,
        moderation,
        distribution: Distribution {
            impressions: 0,
            account_weight: 0.5,
            pool: 0,
        },
    }
}

fn score(p: &ContentPiece) -> f64 {
    let (config, snapshot, _) = fixture();
    Scorer::new(config, snapshot)
        .expect("valid config")
        .score(p)
        .expect("valid piece")
        .expect("piece has views")
        .score
}

fn video() -> impl Strategy<Value = VideoStats> {
    (
        1u64..100_000,
        0.0..=1.0f64,
        0u64..20_000,
        0u64..5_000,
        0u64..5_000,
    )
        .prop_map(|(views, completion, likes, comments, shares)| VideoStats {
            views,
            completions: (views as f64 * completion) as u64,
            likes,
            comments,
            shares,
        })
}

fn live() -> impl Strategy<Value = LiveStats> {
    (
        1u64..50_000,
        0u64..10_000_000,
        0u64..50_000,
        0u64..5_000,
        0u64..5_000,
    )
        .prop_map(
            |(viewers, watch_seconds, comments, orders, shares)| LiveStats {
                viewers,
                watch_seconds,
                comments,
                orders,
                shares,
            },
        )
}

fn grade() -> impl Strategy<Value = ValueGrade> {
    prop_oneof![
        Just(ValueGrade::StronglyUseful),
        Just(ValueGrade::WeaklyUseful),
        Just(ValueGrade::NotUseful)
    ]
}

fn moderation() -> impl Strategy<Value = Moderation> {
    (0u32..4, 0u32..3, 0u32..2).prop_map(|(minor, major, severe)| Moderation {
        minor,
        major,
        severe,
    })
}

/// Raises one of the four counts of a video by `extra` (completions at most up to the views).
fn raise_video(v: VideoStats, which: usize, extra: u64) -> VideoStats {
    let mut v = v;
    match which {
        0 => v.completions = (v.completions + extra).min(v.views),
        1 => v.likes += extra,
        2 => v.comments += extra,
        _ => v.shares += extra,
    }
    v
}

fn raise_live(l: LiveStats, which: usize, extra: u64) -> LiveStats {
    let mut l = l;
    match which {
        // More watch time with comments scaled along keeps comments per minute from falling.
        0 => {
            let before = l.watch_seconds;
            l.watch_seconds += extra;
            if before > 0 {
                l.comments =
                    (l.comments as u128 * l.watch_seconds as u128).div_ceil(before as u128) as u64;
            }
        }
        1 => l.comments += extra,
        2 => l.orders += extra,
        _ => l.shares += extra,
    }
    l
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn score_stays_within_0_and_100(
        v in video(), l in live(), g in grade(), m in moderation()
    ) {
        for e in [Engagement::Video(v), Engagement::Live(l)] {
            let s = score(&piece(e, g, m));
            prop_assert!((0.0..=100.0).contains(&s), "score {s}");
        }
    }

    #[test]
    fn score_never_falls_when_one_video_rate_rises(
        v in video(), which in 0usize..4, extra in 1u64..5_000, g in grade(), m in moderation()
    ) {
        let before = score(&piece(Engagement::Video(v), g, m));
        let after = score(&piece(Engagement::Video(raise_video(v, which, extra)), g, m));
        prop_assert!(after >= before, "{before} -> {after}");
    }

    #[test]
    fn score_never_falls_when_one_live_component_rises(
        l in live(), which in 0usize..4, extra in 1u64..100_000, g in grade()
    ) {
        let m = Moderation::default();
        let before = score(&piece(Engagement::Live(l), g, m));
        let after = score(&piece(Engagement::Live(raise_live(l, which, extra)), g, m));
        prop_assert!(after >= before, "{before} -> {after}");
    }

    #[test]
    fn a_violation_lowers_the_score(
        v in video(), g in grade(), m in moderation(), severity in 0usize..3
    ) {
        let before = score(&piece(Engagement::Video(v), g, m));
        let mut worse = m;
        match severity {
            0 => worse.minor += 1,
            1 => worse.major += 1,
            _ => worse.severe += 1,
        }
        let after = score(&piece(Engagement::Video(v), g, worse));
        prop_assert!(after <= before);
        if before > 0.0 {
            prop_assert!(after < before, "{before} -> {after}");
        }
    }

    #[test]
    fn pools_climb_one_step_at_most_and_never_fall(
        impressions in 0u64..200_000, weight in 0.0..=1.0f64, pool in 0usize..5,
        s in proptest::option::of(0.0..=100.0f64), frozen in any::<bool>()
    ) {
        let config = PoolConfig::default();
        let d = Distribution { impressions, account_weight: weight, pool };
        let status = evaluate_pool(&d, s, frozen, &config).expect("valid input");
        prop_assert!(status.pool == pool || status.pool == pool + 1);
        prop_assert_eq!(status.pool == pool + 1, status.decision == PoolDecision::Promoted);
        if frozen || s.is_none() {
            prop_assert_eq!(status.pool, pool);
        }
        if let (Some(needed), Some(next)) = (status.score_needed, status.next_pool_size) {
            prop_assert!(next > status.pool_size);
            prop_assert!((0.0..=100.0).contains(&needed));
        }
    }

    #[test]
    fn creator_score_is_bounded_and_violations_lower_it(
        scores in proptest::collection::vec(0.0..=100.0f64, 0..80),
        prior in 0.0..=100.0f64,
        severity in prop_oneof![Just(Severity::Minor), Just(Severity::Major), Just(Severity::Severe)]
    ) {
        let config = CreatorConfig::default();
        let pieces: Vec<RecentScore> = scores
            .iter()
            .enumerate()
            .map(|(i, &score)| RecentScore { score, published_day: AS_OF - (i as i32 % 100) })
            .collect();
        let clean = aggregate_content_score(&pieces, &[], prior, AS_OF, &config).expect("valid");
        let hit = aggregate_content_score(
            &pieces, &[Violation { severity, day: AS_OF }], prior, AS_OF, &config,
        ).expect("valid");
        prop_assert!((0.0..=100.0).contains(&clean.score));
        prop_assert!(hit.score <= clean.score);
        if clean.score > 0.0 {
            prop_assert!(hit.score < clean.score);
        }
    }
}
