//! Content scoring on hand-made cohorts: percentiles, back-off, windows, penalties, pools,
//! explanations, the creator aggregate and the bulk recompute.

use scoring::content::synthetic::{SyntheticParams, generate};
use scoring::content::*;
use scoring::day::Day;
use scoring::fingerprint::Fingerprint;

const AS_OF: Day = Day::new(1_000);

fn key(market: u16, niche: u32, parent: u32, tier: FollowerTier) -> CohortKey {
    CohortKey {
        market: MarketId(market),
        niche: NicheId(niche),
        parent_niche: NicheId(parent),
        tier,
    }
}

/// The skincare (niche 1, parent beauty 100) cohort of US (market 0) micro creators.
fn skincare() -> CohortKey {
    key(0, 1, 100, FollowerTier::Micro)
}

fn video(id: u64, cohort: CohortKey, stats: VideoStats) -> ContentPiece {
    ContentPiece {
        id,
        cohort,
        published_day: AS_OF,
        value_grade: ValueGrade::WeaklyUseful,
        engagement: Engagement::Video(stats),
        moderation: Moderation::default(),
        distribution: Distribution {
            impressions: 0,
            account_weight: 0.5,
            pool: 0,
        },
    }
}

/// A video with 1,000 views and `per_mille` completions, likes, comments and shares per 1,000.
fn uniform(id: u64, cohort: CohortKey, per_mille: u64) -> ContentPiece {
    video(
        id,
        cohort,
        VideoStats {
            views: 1_000,
            completions: per_mille,
            likes: per_mille,
            comments: per_mille,
            shares: per_mille,
        },
    )
}

/// `n` pieces in `cohort` with rates 1..=n per mille, ids from `first_id`.
fn ladder(first_id: u64, cohort: CohortKey, n: u64) -> Vec<ContentPiece> {
    (1..=n).map(|i| uniform(first_id + i, cohort, i)).collect()
}

fn score_of(pieces: &[ContentPiece], piece: &ContentPiece) -> ContentScore {
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(pieces, AS_OF, &config).unwrap();
    Scorer::new(&config, &snapshot)
        .unwrap()
        .score(piece)
        .unwrap()
        .expect("piece has views")
}

#[test]
fn percentile_is_mid_rank_within_the_niche() {
    let pieces = ladder(0, skincare(), 40);
    // Rate 10 per mille: 9 peers below, 1 equal -> (9 + 0.5) / 40 = 23.75th percentile.
    let s = score_of(&pieces, &uniform(999, skincare(), 10));
    for c in s.components {
        assert_eq!(c.level, CohortLevel::Niche);
        assert!((c.percentile - 23.75).abs() < 1e-9, "{c:?}");
        assert!((c.points - c.weight * 23.75).abs() < 1e-9);
    }
    assert_eq!(s.peers, 40);
    assert!((s.base - 23.75).abs() < 1e-9);
    // Above everyone and below everyone.
    assert_eq!(
        score_of(&pieces, &uniform(999, skincare(), 100)).base,
        100.0
    );
    assert_eq!(score_of(&pieces, &uniform(999, skincare(), 0)).base, 0.0);
}

#[test]
fn a_tied_cohort_puts_everyone_at_the_median() {
    let pieces: Vec<_> = (0..40).map(|i| uniform(i, skincare(), 7)).collect();
    let s = score_of(&pieces, &pieces[0]);
    assert!(s.components.iter().all(|c| c.percentile == 50.0));
}

#[test]
fn small_niche_backs_off_to_parent_then_market() {
    let makeup = key(0, 2, 100, FollowerTier::Micro);
    let yoga = key(0, 3, 200, FollowerTier::Micro);
    // Skincare has 5 peers, makeup (same parent) 40: the parent niche is used.
    let mut pieces = ladder(0, skincare(), 5);
    pieces.extend(ladder(100, makeup, 40));
    let s = score_of(&pieces, &uniform(999, skincare(), 10));
    assert_eq!((s.level, s.peers), (CohortLevel::ParentNiche, 45));
    // Below 10 per mille: 5 skincare and 9 makeup pieces; one makeup tie.
    assert!((s.base - 14.5 / 45.0 * 100.0).abs() < 1e-9);
    // With makeup at 20, the parent holds 25 < 30: back off to the market (+40 yoga).
    let mut pieces = ladder(0, skincare(), 5);
    pieces.extend(ladder(100, makeup, 20));
    pieces.extend(ladder(200, yoga, 40));
    let s = score_of(&pieces, &uniform(999, skincare(), 10));
    assert_eq!((s.level, s.peers), (CohortLevel::Market, 65));
    // Below 10 per mille: 5 + 9 + 9 pieces; ties in makeup and yoga.
    assert!((s.base - 24.0 / 65.0 * 100.0).abs() < 1e-9);
    assert!(s.components.iter().all(|c| c.level == CohortLevel::Market));
}

#[test]
fn a_niche_with_enough_peers_ignores_the_rest_of_the_market() {
    let makeup = key(0, 2, 100, FollowerTier::Micro);
    let mut pieces = ladder(0, skincare(), 30);
    // Makeup pieces all have far higher rates; they must not move skincare percentiles.
    pieces.extend((0..500).map(|i| uniform(1_000 + i, makeup, 900)));
    let s = score_of(&pieces, &uniform(999, skincare(), 15));
    assert_eq!((s.level, s.peers), (CohortLevel::Niche, 30));
    assert!((s.base - 48.333_333_333).abs() < 1e-6);
}

#[test]
fn too_small_market_uses_what_it_has_with_low_confidence() {
    let small = ladder(0, skincare(), 10);
    let big = ladder(0, skincare(), 300);
    let s_small = score_of(&small, &uniform(999, skincare(), 5));
    let s_big = score_of(&big, &uniform(999, skincare(), 5));
    assert_eq!((s_small.level, s_small.peers), (CohortLevel::Market, 10));
    assert!(s_small.confidence < s_big.confidence);
    // No peer at all (another market): neutral percentiles, zero confidence.
    let other_market = key(7, 1, 100, FollowerTier::Micro);
    let s = score_of(&big, &uniform(999, other_market, 5));
    assert_eq!(s.peers, 0);
    assert_eq!(s.confidence, 0.0);
    assert!(s.components.iter().all(|c| c.percentile == 50.0));
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&big, AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    let lonely = uniform(999, other_market, 5);
    let labels = CohortLabels {
        market: "UK",
        niche: "skincare",
        parent_niche: "beauty",
    };
    let e = scorer.explain(&lonely, &s, &labels);
    assert!(e.components[0].text.contains("no comparable videos yet"));
    // Nothing to aim at without peers; only the value grade remains as advice.
    assert!(e.suggestions.iter().all(|s| s.component.is_none()));
}

#[test]
fn follower_tiers_and_content_kinds_are_separate_cohorts() {
    let mega = key(0, 1, 100, FollowerTier::Mega);
    let mut pieces = ladder(0, skincare(), 40);
    pieces.extend((0..100).map(|i| uniform(100 + i, mega, 999)));
    let s = score_of(&pieces, &uniform(999, skincare(), 10));
    assert_eq!(s.peers, 40);
    // A live stream finds no live peers among the videos.
    let live = ContentPiece {
        engagement: Engagement::Live(LiveStats {
            viewers: 500,
            watch_seconds: 30_000,
            comments: 40,
            orders: 3,
            shares: 5,
        }),
        ..uniform(999, skincare(), 0)
    };
    let s = score_of(&pieces, &live);
    assert_eq!((s.kind, s.peers), (ContentKind::Live, 0));
    assert_eq!(s.components.map(|c| c.component), Component::LIVE);
    // 60 s per viewer, 40 comments over 500 viewer-minutes, 6 orders per 1,000 viewers, 1% shares.
    let rates = s.components.map(|c| c.rate);
    assert_eq!(rates, [60.0, 0.08, 6.0, 0.01]);
}

#[test]
fn window_and_minimum_audience_decide_who_enters_the_cohort() {
    let mut pieces = ladder(0, skincare(), 40);
    let mut old = uniform(500, skincare(), 999);
    old.published_day = AS_OF - 28; // just outside the 28-day window
    let mut edge = uniform(501, skincare(), 999);
    edge.published_day = AS_OF - 27; // oldest day inside
    let mut future = uniform(502, skincare(), 999);
    future.published_day = AS_OF + 1;
    let tiny = video(
        503,
        skincare(),
        VideoStats {
            views: 99,
            ..VideoStats::default()
        },
    );
    pieces.extend([old, edge, future, tiny.clone()]);
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    assert_eq!(snapshot.piece_count(), 41);
    // The 99-view piece is still scored, against the 41 peers.
    let s = Scorer::new(&config, &snapshot)
        .unwrap()
        .score(&tiny)
        .unwrap()
        .unwrap();
    assert_eq!(s.peers, 41);
}

#[test]
fn value_at_percentile_finds_the_rate_to_match() {
    let pieces = ladder(0, skincare(), 40);
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    let cohort = snapshot.cohort(ContentKind::Video, &skincare(), 30);
    // 20 per mille has (19 + 0.5) / 40 = 48.75; 21 per mille 51.25: the median needs 21.
    let median = cohort.value_at_percentile(1, 50.0).unwrap();
    assert!((median - 0.021).abs() < 1e-6);
    assert!(cohort.percentile(1, median) >= 50.0);
    assert!(cohort.percentile(1, 0.020) < 50.0);
    let tied: Vec<_> = (0..40).map(|i| uniform(i, skincare(), 7)).collect();
    let snapshot = CohortSnapshot::build(&tied, AS_OF, &config).unwrap();
    let cohort = snapshot.cohort(ContentKind::Video, &skincare(), 30);
    assert_eq!(cohort.value_at_percentile(0, 90.0), None);
}

#[test]
fn grade_and_violations_shape_the_final_score() {
    let pieces = ladder(0, skincare(), 40);
    let base = uniform(999, skincare(), 30); // (29 + 0.5) / 40 = 73.75
    let with = |grade, moderation| {
        score_of(
            &pieces,
            &ContentPiece {
                value_grade: grade,
                moderation,
                ..base.clone()
            },
        )
    };
    let clean = Moderation::default();
    assert!((with(ValueGrade::WeaklyUseful, clean).score - 73.75).abs() < 1e-9);
    assert!((with(ValueGrade::StronglyUseful, clean).score - 73.75 * 1.15).abs() < 1e-9);
    assert!((with(ValueGrade::NotUseful, clean).score - 73.75 * 0.9).abs() < 1e-9);
    // A top tutorial is capped at 100.
    let top = ContentPiece {
        value_grade: ValueGrade::StronglyUseful,
        ..uniform(999, skincare(), 999)
    };
    assert_eq!(score_of(&pieces, &top).score, 100.0);
    let minor_major = Moderation {
        minor: 1,
        major: 1,
        severe: 0,
    };
    let s = with(ValueGrade::WeaklyUseful, minor_major);
    assert!((s.score - (73.75 - 25.0)).abs() < 1e-9);
    assert_eq!(s.penalty, 25.0);
    let severe = Moderation {
        severe: 1,
        ..Moderation::default()
    };
    let s = with(ValueGrade::StronglyUseful, severe);
    assert_eq!((s.score, s.frozen), (0.0, true));
}

#[test]
fn a_piece_without_views_has_no_score_and_its_initial_pool() {
    let pieces = ladder(0, skincare(), 40);
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    let mut fresh = video(1, skincare(), VideoStats::default());
    fresh.distribution.account_weight = 1.0;
    let a = scorer.assess(&fresh).unwrap();
    assert_eq!(a.score, None);
    assert_eq!((a.pool.pool, a.pool.pool_size), (0, 500));
    assert_eq!(a.pool.decision, PoolDecision::Collecting);
    assert_eq!(a.pool.impressions_to_collect, 400);
    let live = ContentPiece {
        engagement: Engagement::Live(LiveStats::default()),
        ..fresh
    };
    assert_eq!(scorer.assess(&live).unwrap().score, None);
}

#[test]
fn assess_promotes_a_strong_judged_piece_and_freezes_a_severe_one() {
    let pieces = ladder(0, skincare(), 40);
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    let mut strong = uniform(1, skincare(), 35); // 86.25
    strong.distribution.impressions = 250;
    let a = scorer.assess(&strong).unwrap();
    assert_eq!((a.pool.pool, a.pool.decision), (1, PoolDecision::Promoted));
    let mut weak = uniform(2, skincare(), 10); // 23.75
    weak.distribution.impressions = 250;
    let a = scorer.assess(&weak).unwrap();
    assert_eq!((a.pool.pool, a.pool.decision), (0, PoolDecision::Held));
    assert_eq!(a.pool.score_needed, Some(50.0));
    strong.moderation.severe = 1;
    let a = scorer.assess(&strong).unwrap();
    assert_eq!((a.pool.pool, a.pool.decision), (0, PoolDecision::Frozen));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let config = ContentConfig::default();
    let bad = video(
        7,
        skincare(),
        VideoStats {
            views: 200,
            completions: 201,
            ..VideoStats::default()
        },
    );
    assert!(matches!(
        CohortSnapshot::build([&bad], AS_OF, &config),
        Err(ContentError::InvalidStats { piece: 7, .. })
    ));
    let snapshot = CohortSnapshot::build(&ladder(0, skincare(), 3), AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    assert!(scorer.score(&bad).is_err());
    let mut lost = uniform(8, skincare(), 5);
    lost.distribution.pool = 9;
    assert!(matches!(
        scorer.assess(&lost),
        Err(ContentError::UnknownPool { .. })
    ));
    lost.distribution = Distribution {
        pool: 0,
        account_weight: -0.1,
        impressions: 0,
    };
    assert_eq!(
        scorer.assess(&lost),
        Err(ContentError::InvalidAccountWeight(-0.1))
    );
    let wider = ContentConfig {
        window_days: 29,
        ..ContentConfig::default()
    };
    assert_eq!(
        Scorer::new(&wider, &snapshot).err(),
        Some(ContentError::ConfigMismatch {
            snapshot: Fingerprint::of(&ContentConfig::default()),
            config: Fingerprint::of(&wider),
        })
    );
    let broken = ContentConfig {
        min_cohort_size: 0,
        ..ContentConfig::default()
    };
    assert!(CohortSnapshot::build(&ladder(0, skincare(), 3), AS_OF, &broken).is_err());
}

#[test]
fn explanation_names_the_cohort_and_suggests_the_biggest_gain() {
    let pieces = ladder(0, skincare(), 40);
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    // Completion at the 86th percentile, comments at the 24th (rate 10 per mille).
    let piece = video(
        999,
        skincare(),
        VideoStats {
            views: 1_000,
            completions: 35,
            likes: 25,
            comments: 10,
            shares: 30,
        },
    );
    let score = scorer.score(&piece).unwrap().unwrap();
    let labels = CohortLabels {
        market: "US",
        niche: "skincare",
        parent_niche: "beauty",
    };
    let e = scorer.explain(&piece, &score, &labels);
    assert_eq!(e.components.len(), 4);
    assert!(
        e.components[2].text.starts_with(
            "Your comment rate is 1.00%, at the 24th percentile of US skincare videos by micro creators (10k-100k followers) published in the last 28 days"
        ),
        "{}",
        e.components[2].text
    );
    assert_eq!(e.suggestions.len(), 2);
    // As a tutorial the same engagement scores 65 * 1.15: 9.75 points more, the best change.
    assert_eq!(e.suggestions[0].component, None);
    assert!((e.suggestions[0].gain - 9.75).abs() < 1e-9);
    // Then comments to the median: 0.20 * (50 - 23.75) = 5.25 points.
    let best = &e.suggestions[1];
    assert_eq!(best.component, Some(Component::Comment));
    assert!((best.gain - 5.25).abs() < 1e-9);
    assert!(
        best.text
            .contains("reaching the median (2.10%) adds 5 points"),
        "{}",
        best.text
    );
    // Following the suggestion delivers at least the promised gain.
    let improved = video(
        999,
        skincare(),
        VideoStats {
            comments: (best.target_rate.unwrap() * 1_000.0).round() as u64,
            ..match piece.engagement {
                Engagement::Video(v) => v,
                Engagement::Live(_) => unreachable!("built as a video"),
            }
        },
    );
    let after = scorer.score(&improved).unwrap().unwrap();
    assert!(after.score >= score.score + best.gain - 1e-9);
}

#[test]
fn suggestions_aim_at_the_next_target_percentile() {
    let pieces = ladder(0, skincare(), 40);
    let config = ContentConfig {
        max_suggestions: 10,
        ..ContentConfig::default()
    };
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    // Completion 86.25 -> 90th, like 61.25 -> 75th, comment 23.75 -> median, share 73.75 -> 75th.
    let piece = video(
        999,
        skincare(),
        VideoStats {
            views: 1_000,
            completions: 35,
            likes: 25,
            comments: 10,
            shares: 30,
        },
    );
    let score = scorer.score(&piece).unwrap().unwrap();
    let labels = CohortLabels {
        market: "US",
        niche: "skincare",
        parent_niche: "beauty",
    };
    let e = scorer.explain(&piece, &score, &labels);
    let like = e
        .suggestions
        .iter()
        .find(|s| s.component == Some(Component::Like))
        .unwrap();
    assert_eq!(like.target_percentile, Some(75.0));
    assert!(
        like.text.contains("reaching the 75th percentile (3.1%)"),
        "{}",
        like.text
    );
    let completion = e
        .suggestions
        .iter()
        .find(|s| s.component == Some(Component::Completion))
        .unwrap();
    assert_eq!(completion.target_percentile, Some(90.0));
    // Share is 1.25 percentile points short of 75: 0.25 points, below the 0.5 worth showing.
    assert!(
        e.suggestions
            .iter()
            .all(|s| s.component != Some(Component::Share))
    );
    assert!(e.suggestions.windows(2).all(|w| w[0].gain >= w[1].gain));
}

#[test]
fn explanation_of_a_frozen_piece_has_no_suggestions() {
    let pieces = ladder(0, skincare(), 40);
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    let mut piece = uniform(1, skincare(), 5);
    piece.moderation.severe = 1;
    let score = scorer.score(&piece).unwrap().unwrap();
    let labels = CohortLabels {
        market: "US",
        niche: "skincare",
        parent_niche: "beauty",
    };
    let e = scorer.explain(&piece, &score, &labels);
    assert!(e.suggestions.is_empty());
    assert!(e.summary.contains("severe violation"));
}

#[test]
fn bulk_recompute_matches_one_by_one() {
    let market = generate(&SyntheticParams {
        pieces: 5_000,
        markets: 3,
        niches: 20,
        seed: 7,
        ..SyntheticParams::default()
    })
    .unwrap();
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&market.pieces, Day::new(20_000), &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    let all = scorer.assess_all(&market.pieces).unwrap();
    assert_eq!(all.len(), market.pieces.len());
    for (piece, bulk) in market.pieces.iter().zip(&all) {
        assert_eq!(&scorer.assess(piece).unwrap(), bulk);
    }
    // The synthetic data exercises every back-off level and both kinds.
    let levels: std::collections::HashSet<_> = all
        .iter()
        .filter_map(|a| a.score.map(|s| s.level))
        .collect();
    assert_eq!(levels.len(), 3);
    assert!(
        all.iter()
            .any(|a| a.score.is_some_and(|s| s.kind == ContentKind::Live))
    );
    assert!(scorer.assess_all(&[]).unwrap().is_empty());
}

#[test]
fn synthetic_marketplace_is_deterministic_and_labelled() {
    let params = SyntheticParams {
        pieces: 2_000,
        ..SyntheticParams::default()
    };
    let a = generate(&params).unwrap();
    assert_eq!(a, generate(&params).unwrap());
    let b = generate(&SyntheticParams { seed: 43, ..params }).unwrap();
    assert_ne!(a.pieces, b.pieces);
    let labels = a.labels(&a.pieces[0].cohort);
    assert!(a.markets.contains(&labels.market));
    assert!(a.niches.contains(&labels.niche));
    assert!(a.parents.contains(&labels.parent_niche));
    assert!(
        generate(&SyntheticParams {
            markets: 7,
            ..SyntheticParams::default()
        })
        .is_err()
    );
}

fn recent(scores: &[f64]) -> Vec<RecentScore> {
    scores
        .iter()
        .map(|&score| RecentScore {
            score,
            published_day: AS_OF,
        })
        .collect()
}

#[test]
fn one_viral_video_does_not_make_a_creator() {
    let config = CreatorConfig::default();
    let mut scores = vec![30.0; 10];
    let steady = aggregate_content_score(&recent(&scores), &[], 30.0, AS_OF, &config).unwrap();
    scores.push(100.0);
    let viral = aggregate_content_score(&recent(&scores), &[], 30.0, AS_OF, &config).unwrap();
    assert!((steady.score - 30.0).abs() < 1e-9);
    assert!((viral.trimmed_mean.unwrap() - 30.0).abs() < 1e-9);
    assert!((viral.score - 30.0).abs() < 1e-9);
}

#[test]
fn few_pieces_are_shrunk_toward_the_niche_mean() {
    let config = CreatorConfig::default();
    let none = aggregate_content_score(&[], &[], 40.0, AS_OF, &config).unwrap();
    assert_eq!(
        (none.score, none.confidence, none.trimmed_mean),
        (40.0, 0.0, None)
    );
    // Five pieces at 90 against a niche mean of 40, with a prior of 5 pieces: halfway.
    let five = aggregate_content_score(&recent(&[90.0; 5]), &[], 40.0, AS_OF, &config).unwrap();
    assert!((five.score - 65.0).abs() < 1e-9);
    assert!((five.confidence - 0.5).abs() < 1e-9);
    let many = aggregate_content_score(&recent(&[90.0; 45]), &[], 40.0, AS_OF, &config).unwrap();
    assert!((many.score - 85.0).abs() < 1e-9);
}

#[test]
fn creator_violations_and_window() {
    let config = CreatorConfig::default();
    let pieces = recent(&[60.0; 20]);
    let v = |severity, day| Violation { severity, day };
    let clean = aggregate_content_score(&pieces, &[], 60.0, AS_OF, &config).unwrap();
    let hit = aggregate_content_score(
        &pieces,
        &[
            v(Severity::Major, AS_OF - 10),
            v(Severity::Severe, AS_OF - 89),
        ],
        60.0,
        AS_OF,
        &config,
    )
    .unwrap();
    assert_eq!(hit.penalty, 33.0);
    assert!((clean.score - hit.score - 33.0).abs() < 1e-9);
    // Violations and pieces older than 90 days no longer count.
    let old = aggregate_content_score(
        &[RecentScore {
            score: 5.0,
            published_day: AS_OF - 90,
        }],
        &[v(Severity::Severe, AS_OF - 90)],
        60.0,
        AS_OF,
        &config,
    )
    .unwrap();
    assert_eq!((old.score, old.pieces, old.penalty), (60.0, 0, 0.0));
    assert_eq!(
        aggregate_content_score(&recent(&[101.0]), &[], 50.0, AS_OF, &config),
        Err(ContentError::InvalidScore(101.0))
    );
}

#[test]
fn only_the_most_recent_pieces_count() {
    let config = CreatorConfig {
        max_pieces: 3,
        ..CreatorConfig::default()
    };
    let pieces: Vec<RecentScore> = (0..6)
        .map(|i| RecentScore {
            score: if i < 3 { 80.0 } else { 20.0 },
            published_day: AS_OF - i,
        })
        .collect();
    let s = aggregate_content_score(&pieces, &[], 50.0, AS_OF, &config).unwrap();
    assert_eq!((s.pieces, s.trimmed_mean), (3, Some(80.0)));
}

#[test]
fn niche_means_back_off_like_cohorts() {
    let yoga = key(0, 3, 200, FollowerTier::Nano);
    let skincare_uk = key(1, 1, 100, FollowerTier::Micro);
    let mut scored: Vec<(CohortKey, f64)> = (0..30).map(|_| (skincare(), 60.0)).collect();
    scored.extend((0..10).map(|_| (yoga, 20.0)));
    scored.extend((0..5).map(|_| (skincare_uk, 10.0)));
    let means = NicheMeans::from_scores(scored.iter().map(|(k, s)| (k, *s)), 30);
    assert_eq!(means.prior(MarketId(0), NicheId(1)), 60.0);
    // Yoga has 10 pieces: the US mean (30 * 60 + 10 * 20) / 40 = 50 is used.
    assert_eq!(means.prior(MarketId(0), NicheId(3)), 50.0);
    // The UK has 5 pieces in all: the overall mean (1,800 + 200 + 50) / 45.
    assert!((means.prior(MarketId(1), NicheId(1)) - 2_050.0 / 45.0).abs() < 1e-9);
    let empty = NicheMeans::from_scores(std::iter::empty(), 30);
    assert_eq!(empty.prior(MarketId(0), NicheId(1)), 50.0);
}

#[test]
fn a_live_stream_that_holds_viewers_longer_scores_higher() {
    // The source's brand split a demo into steps and raised watch time from 9 s to 23 s.
    let stream = |id: u64, seconds_per_viewer: u64| ContentPiece {
        engagement: Engagement::Live(LiveStats {
            viewers: 1_000,
            watch_seconds: 1_000 * seconds_per_viewer,
            comments: 1_000 * seconds_per_viewer / 60 / 20,
            orders: 5,
            shares: 10,
        }),
        ..uniform(id, skincare(), 0)
    };
    let pieces: Vec<_> = (1..=40).map(|s| stream(s, s)).collect();
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&pieces, AS_OF, &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    let before = scorer.score(&stream(100, 9)).unwrap().unwrap();
    let after = scorer.score(&stream(101, 23)).unwrap().unwrap();
    assert!(after.score > before.score + 10.0);
    let labels = CohortLabels {
        market: "US",
        niche: "skincare",
        parent_niche: "beauty",
    };
    let e = scorer.explain(&stream(100, 9), &before, &labels);
    assert!(
        e.components[0].text.starts_with(
            "Your average watch time is 9 s, at the 21st percentile of US skincare live streams"
        ),
        "{}",
        e.components[0].text
    );
    // The weakest-but-heaviest component, watch time, is the first thing to fix.
    assert_eq!(e.suggestions[0].component, Some(Component::AvgWatchTime));
    assert!(
        e.suggestions[0].text.contains("reaching the median (21 s)"),
        "{}",
        e.suggestions[0].text
    );
}

#[test]
fn snapshot_percentiles_match_a_brute_force_count() {
    let market = generate(&SyntheticParams {
        pieces: 4_000,
        markets: 2,
        niches: 20,
        seed: 3,
        ..SyntheticParams::default()
    })
    .unwrap();
    let config = ContentConfig::default();
    let snapshot = CohortSnapshot::build(&market.pieces, Day::new(20_000), &config).unwrap();
    let scorer = Scorer::new(&config, &snapshot).unwrap();
    let members: Vec<(&ContentPiece, [f64; 4])> = market
        .pieces
        .iter()
        .filter(|p| p.published_day > Day::new(20_000 - 28) && p.engagement.audience() >= 100)
        .map(|p| (p, p.engagement.rates(p.id).unwrap().unwrap()))
        .collect();
    let mut levels_seen = std::collections::HashSet::new();
    for piece in market.pieces.iter().take(400) {
        let Some(s) = scorer.score(piece).unwrap() else {
            continue;
        };
        levels_seen.insert(s.level);
        let (a, b) = (&piece.cohort, piece.engagement.kind());
        let peers: Vec<&[f64; 4]> = members
            .iter()
            .filter(|(p, _)| {
                let k = &p.cohort;
                p.engagement.kind() == b
                    && k.market == a.market
                    && k.tier == a.tier
                    && match s.level {
                        CohortLevel::Niche => k.niche == a.niche,
                        CohortLevel::ParentNiche => k.parent_niche == a.parent_niche,
                        CohortLevel::Market => true,
                    }
            })
            .map(|(_, r)| r)
            .collect();
        assert_eq!(s.peers, peers.len());
        if peers.is_empty() {
            assert!(s.components.iter().all(|c| c.percentile == 50.0));
            continue;
        }
        for (c, component) in s.components.iter().enumerate() {
            let v = component.rate as f32;
            let below = peers.iter().filter(|r| (r[c] as f32) < v).count();
            let ties = peers.iter().filter(|r| (r[c] as f32) == v).count();
            let expected = (below as f64 + 0.5 * ties as f64) * 100.0 / peers.len() as f64;
            assert!(
                (component.percentile - expected).abs() < 1e-9,
                "{component:?}"
            );
        }
    }
    assert_eq!(levels_seen.len(), 3);
}
