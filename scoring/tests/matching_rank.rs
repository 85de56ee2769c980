//! Ranking, filters, exclusion, explanations, pagination, incremental updates and lookalikes
//! on a small hand-made marketplace.

use std::collections::HashMap;

use scoring::matching::*;

const PETS: u64 = 1;
const DOG_FOOD: u64 = 2;
const CAT_FOOD: u64 = 3;
const BEAUTY: u64 = 10;
const LIPSTICK: u64 = 11;

fn share(niche: u64, share: f64) -> NicheShare {
    NicheShare {
        niche: NicheId(niche),
        share,
    }
}

fn collab(brand: u64, creator: u64) -> CollaborationInput {
    CollaborationInput {
        brand: BrandId(brand),
        creator: CreatorId(creator),
        age_days: 30.0,
        gmv: 20_000.0,
    }
}

fn profile(
    market: &str,
    followers: u64,
    ecommerce: bool,
    content: f64,
    violations: u32,
) -> CreatorProfile {
    CreatorProfile {
        market: market.to_string(),
        followers,
        ecommerce,
        content_score: Some(content),
        ltv: Some(800.0),
        p_active: Some(0.9),
        collaborations_total: 4,
        collaborations_delivered: 4,
        recent_violations: violations,
    }
}

struct Fixture {
    graph: MatchGraph,
    profiles: HashMap<CreatorId, CreatorProfile>,
    names: NameBook,
}

/// Woof Co (1) sells Dog Food; Meow Inc (2) sells Cat Food and worked with creators 4, 6 and
/// 7; Woof Co worked with creator 6, so the two brands share one creator. Glam (3) sells
/// Lipstick.
fn fixture() -> Fixture {
    let niche = |id: u64, parent: Option<u64>| NicheInput {
        id: NicheId(id),
        parent: parent.map(NicheId),
    };
    let creators: Vec<(u64, Vec<NicheShare>, CreatorProfile)> = vec![
        (
            1,
            vec![share(DOG_FOOD, 62.0), share(CAT_FOOD, 38.0)],
            profile("US", 5_000, true, 80.0, 0),
        ),
        (
            2,
            vec![share(DOG_FOOD, 1.0)],
            profile("US", 50_000, false, 70.0, 0),
        ),
        (
            3,
            vec![share(DOG_FOOD, 0.8), share(LIPSTICK, 0.2)],
            profile("GB", 2_000_000, false, 40.0, 2),
        ),
        (
            4,
            vec![share(CAT_FOOD, 1.0)],
            profile("US", 8_000, true, 75.0, 0),
        ),
        (
            5,
            vec![share(LIPSTICK, 1.0)],
            profile("US", 9_000, true, 90.0, 0),
        ),
        (
            6,
            vec![share(DOG_FOOD, 0.5), share(CAT_FOOD, 0.5)],
            profile("US", 20_000, true, 65.0, 0),
        ),
        (
            7,
            vec![share(CAT_FOOD, 1.0)],
            profile("DE", 3_000, false, 60.0, 0),
        ),
    ];
    let input = GraphInput {
        niches: vec![
            niche(PETS, None),
            niche(DOG_FOOD, Some(PETS)),
            niche(CAT_FOOD, Some(PETS)),
            niche(BEAUTY, None),
            niche(LIPSTICK, Some(BEAUTY)),
        ],
        brands: vec![
            BrandInput {
                id: BrandId(1),
                niches: vec![share(DOG_FOOD, 1.0)],
            },
            BrandInput {
                id: BrandId(2),
                niches: vec![share(CAT_FOOD, 1.0)],
            },
            BrandInput {
                id: BrandId(3),
                niches: vec![share(LIPSTICK, 1.0)],
            },
        ],
        creators: creators
            .iter()
            .map(|(id, niches, _)| CreatorInput {
                id: CreatorId(*id),
                niches: niches.clone(),
            })
            .collect(),
        collaborations: vec![collab(1, 6), collab(2, 6), collab(2, 4), collab(2, 7)],
    };
    let mut names = NameBook::default();
    for (id, name) in [
        (PETS, "Pets"),
        (DOG_FOOD, "Dog Food"),
        (CAT_FOOD, "Cat Food"),
        (BEAUTY, "Beauty"),
        (LIPSTICK, "Lipstick"),
    ] {
        names.niches.insert(NicheId(id), name.to_string());
    }
    for (id, name) in [(1, "Woof Co"), (2, "Meow Inc"), (3, "Glam")] {
        names.brands.insert(BrandId(id), name.to_string());
    }
    names
        .creators
        .insert(CreatorId(4), "Kitty Kate".to_string());
    Fixture {
        graph: MatchGraph::build(&input, &GraphConfig::default()).unwrap(),
        profiles: creators
            .into_iter()
            .map(|(id, _, p)| (CreatorId(id), p))
            .collect(),
        names,
    }
}

fn run(f: &Fixture, query: &MatchQuery) -> MatchPage {
    match_creators(
        &f.graph,
        &f.profiles,
        &f.names,
        query,
        &MatchConfig::default(),
    )
    .unwrap()
}

fn ids(page: &MatchPage) -> Vec<u64> {
    page.items.iter().map(|m| m.creator.0).collect()
}

fn with_filters(filters: MatchFilters) -> MatchQuery {
    MatchQuery {
        filters,
        ..MatchQuery::new(BrandId(1))
    }
}

#[test]
fn ranks_niche_creators_and_excludes_existing_collaborators() {
    let f = fixture();
    let page = run(&f, &MatchQuery::new(BrandId(1)));
    let found = ids(&page);
    assert!(
        !found.contains(&6),
        "existing collaborator returned: {found:?}"
    );
    assert_eq!(page.total, found.len());
    // By default proximity leads: Woof Co shares creator 6 with Meow Inc, so Meow Inc's Cat
    // Food creators (4, 7; a sibling niche) come first, then the pure Dog Food creators; the
    // Lipstick-only creator, if reached, last.
    assert!(
        found[..2].contains(&4) && found[..2].contains(&7),
        "{found:?}"
    );
    let at = |c: u64| found.iter().position(|&x| x == c).unwrap();
    assert!(at(1) < at(3) && at(2) < at(3), "{found:?}");
    if let Some(pos) = found.iter().position(|&c| c == 5) {
        assert_eq!(pos, found.len() - 1);
    }
    // A brand that weights niche focus gets the creators most concentrated in its niche first
    // (niche cosine: creator 2 is all Dog Food, creator 3 80%; creator 1's Cat Food share
    // counts for nothing).
    let mut focused = MatchConfig::default();
    focused.weights.niche_focus = 1.0;
    let niche_first = match_creators(
        &f.graph,
        &f.profiles,
        &f.names,
        &MatchQuery::new(BrandId(1)),
        &focused,
    )
    .unwrap();
    let niche_first = ids(&niche_first);
    assert!(
        niche_first[..2].contains(&2) && niche_first[..2].contains(&3),
        "{niche_first:?}"
    );
    for pair in page.items.windows(2) {
        assert!(
            pair[0].score > pair[1].score
                || (pair[0].score == pair[1].score && pair[0].creator < pair[1].creator)
        );
    }
    assert!(page.items.iter().all(|m| !m.existing_collaborator));
    assert!(page.converged);
}

#[test]
fn include_existing_returns_collaborators_marked() {
    let f = fixture();
    let page = run(
        &f,
        &MatchQuery {
            include_existing: true,
            ..MatchQuery::new(BrandId(1))
        },
    );
    let six = page
        .items
        .iter()
        .find(|m| m.creator == CreatorId(6))
        .expect("creator 6 returned");
    assert!(six.existing_collaborator);
    assert!(
        six.paths
            .iter()
            .any(|p| p.text == "already worked with you"),
        "{:?}",
        six.paths
    );
}

#[test]
fn explanations_name_the_strongest_paths() {
    let f = fixture();
    let page = run(&f, &MatchQuery::new(BrandId(1)));
    let get = |id: u64| {
        page.items
            .iter()
            .find(|m| m.creator == CreatorId(id))
            .unwrap()
    };
    let one = get(1);
    assert_eq!(
        one.paths[0].text,
        "shares your niche Dog Food (62% of its videos)"
    );
    assert_eq!(
        one.paths[0].nodes,
        vec![
            NodeRef::Niche(NicheId(DOG_FOOD)),
            NodeRef::Creator(CreatorId(1))
        ]
    );
    assert!(one.paths[0].strength > 0.5 && one.paths[0].strength <= 1.0);
    let texts: Vec<&str> = get(4).paths.iter().map(|p| p.text.as_str()).collect();
    assert!(
        texts.contains(&"worked with Meow Inc, which shares 1 creator with you"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"works in Cat Food (100% of its videos), a sibling of your niche Dog Food"),
        "{texts:?}"
    );
    let via_meow = get(4)
        .paths
        .iter()
        .find(|p| p.text.starts_with("worked with Meow Inc"))
        .unwrap();
    assert_eq!(
        via_meow.nodes,
        vec![
            NodeRef::Brand(BrandId(1)),
            NodeRef::Creator(CreatorId(6)),
            NodeRef::Brand(BrandId(2)),
            NodeRef::Creator(CreatorId(4)),
        ]
    );
    for m in &page.items {
        let score: f64 = m.components.iter().map(|c| c.contribution).sum();
        let shares: f64 = m.components.iter().map(|c| c.share).sum();
        let weights: f64 = m.components.iter().map(|c| c.weight).sum();
        assert!((score - m.score).abs() < 1e-12);
        assert!((shares - 1.0).abs() < 1e-9 && (weights - 1.0).abs() < 1e-12);
        assert!(m.confidence > 0.0 && m.confidence <= 1.0);
        assert!(m.components.iter().all(|c| (0.0..=1.0).contains(&c.value)));
    }
}

#[test]
fn filters_apply() {
    let f = fixture();
    let check = |filters: MatchFilters, expected: &[u64]| {
        let mut got = ids(&run(&f, &with_filters(filters.clone())));
        got.sort_unstable();
        assert_eq!(got, expected, "filters {filters:?}");
    };
    check(
        MatchFilters {
            markets: vec!["US".into()],
            ..Default::default()
        },
        &[1, 2, 4, 5],
    );
    check(
        MatchFilters {
            ecommerce_only: true,
            ..Default::default()
        },
        &[1, 4, 5],
    );
    check(
        MatchFilters {
            min_content_score: Some(72.0),
            ..Default::default()
        },
        &[1, 4, 5],
    );
    check(
        MatchFilters {
            max_recent_violations: Some(0),
            ..Default::default()
        },
        &[1, 2, 4, 5, 7],
    );
    check(
        MatchFilters {
            min_followers: Some(6_000),
            max_followers: Some(100_000),
            ..Default::default()
        },
        &[2, 4, 5],
    );
    check(
        MatchFilters {
            niches: vec![NicheId(LIPSTICK)],
            ..Default::default()
        },
        &[3, 5],
    );
    check(
        MatchFilters {
            niches: vec![NicheId(PETS)],
            ..Default::default()
        },
        &[1, 2, 3, 4, 7],
    );
    let bad = MatchFilters {
        min_followers: Some(10),
        max_followers: Some(5),
        ..Default::default()
    };
    assert!(matches!(
        match_creators(
            &f.graph,
            &f.profiles,
            &f.names,
            &with_filters(bad),
            &MatchConfig::default()
        ),
        Err(MatchError::InvalidInput(_))
    ));
}

#[test]
fn creators_without_profiles_are_skipped() {
    let mut f = fixture();
    f.profiles.remove(&CreatorId(2));
    assert!(!ids(&run(&f, &MatchQuery::new(BrandId(1)))).contains(&2));
}

#[test]
fn offset_and_cursor_pages_cover_the_same_order() {
    let f = fixture();
    let all = ids(&run(&f, &MatchQuery::new(BrandId(1))));
    let page = |start| {
        run(
            &f,
            &MatchQuery {
                page: PageRequest { start, size: 2 },
                ..MatchQuery::new(BrandId(1))
            },
        )
    };
    let mut by_offset = Vec::new();
    let mut offset = 0;
    loop {
        let p = page(PageStart::Offset(offset));
        if p.items.is_empty() {
            break;
        }
        offset += p.items.len();
        by_offset.extend(ids(&p));
    }
    let mut by_cursor = Vec::new();
    let mut start = PageStart::Offset(0);
    loop {
        let p = page(start);
        by_cursor.extend(ids(&p));
        match p.next_cursor {
            Some(c) => start = PageStart::After(Cursor::decode(&c.encode()).unwrap()),
            None => break,
        }
    }
    assert_eq!(by_offset, all);
    assert_eq!(by_cursor, all);
    assert!(matches!(
        Cursor::decode("not a cursor"),
        Err(MatchError::InvalidPage(_))
    ));
    for size in [0, 101] {
        let q = MatchQuery {
            page: PageRequest {
                start: PageStart::Offset(0),
                size,
            },
            ..MatchQuery::new(BrandId(1))
        };
        assert!(matches!(
            match_creators(&f.graph, &f.profiles, &f.names, &q, &MatchConfig::default()),
            Err(MatchError::InvalidPage(_))
        ));
    }
}

#[test]
fn incremental_updates_are_visible_to_the_next_query_only() {
    let mut f = fixture();
    let shared = SharedGraph::new(f.graph.clone());
    let before = shared.snapshot();
    f.profiles
        .insert(CreatorId(8), profile("US", 4_000, true, 85.0, 0));
    let after = shared
        .update(&[
            GraphUpdate::UpsertCreator(CreatorInput {
                id: CreatorId(8),
                niches: vec![share(DOG_FOOD, 1.0)],
            }),
            GraphUpdate::AddCollaboration(collab(1, 1)),
            GraphUpdate::UpsertCreator(CreatorInput {
                id: CreatorId(2),
                niches: vec![share(LIPSTICK, 1.0)],
            }),
        ])
        .unwrap();
    let query = |g: &MatchGraph| {
        match_creators(
            g,
            &f.profiles,
            &f.names,
            &MatchQuery::new(BrandId(1)),
            &MatchConfig::default(),
        )
        .unwrap()
    };
    let old = query(&before);
    let new = query(&shared.snapshot());
    assert_eq!(query(&after), new);
    assert!(!ids(&old).contains(&8) && ids(&new).contains(&8));
    assert!(
        ids(&old).contains(&1) && !ids(&new).contains(&1),
        "new collaborator must be excluded"
    );
    let two = new.items.iter().find(|m| m.creator == CreatorId(2));
    assert!(two.is_none_or(|m| m.paths.iter().all(|p| !p.text.contains("Dog Food ("))));
    // A failing batch changes nothing.
    let err = shared.update(&[
        GraphUpdate::AddCollaboration(collab(3, 5)),
        GraphUpdate::AddCollaboration(collab(3, 99)),
    ]);
    assert_eq!(err.unwrap_err(), MatchError::UnknownCreator(CreatorId(99)));
    assert_eq!(query(&shared.snapshot()), new);
}

/// The same ranking, its words written for one reader.
fn texts_for(page: &MatchPage, creator: u64) -> Vec<&str> {
    page.items
        .iter()
        .find(|m| m.creator == CreatorId(creator))
        .map(|m| m.paths.iter().map(|p| p.text.as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn a_brand_reads_no_other_brand_in_its_explanations() {
    let f = fixture();
    let for_woof = NamesFor::new(&f.names, Audience::Brand(BrandId(1)));
    let query = MatchQuery::new(BrandId(1));
    let config = MatchConfig::default();
    let woof = match_creators(&f.graph, &f.profiles, &for_woof, &query, &config).unwrap();
    let operator = run(&f, &query);
    assert_eq!(ids(&woof), ids(&operator), "redaction never moves the rank");
    let texts = texts_for(&woof, 4);
    assert!(
        texts.contains(&"close to creators you worked with"),
        "{texts:?}"
    );
    for m in &woof.items {
        for p in &m.paths {
            assert!(
                !p.text.contains("Meow") && !p.text.contains("shares 1") && !p.text.contains('#'),
                "{:?} names another brand or counts its partners",
                p.text
            );
        }
    }
    // Lookalikes of Meow Inc's creator: Meow Inc by name to itself only.
    let query = LookalikeQuery {
        creator: CreatorId(4),
        filters: MatchFilters::default(),
        page: PageRequest::default(),
    };
    let read_by = |audience| {
        let names = NamesFor::new(&f.names, audience);
        lookalike_creators(&f.graph, &f.profiles, &names, &query, &config).unwrap()
    };
    let woof = read_by(Audience::Brand(BrandId(1)));
    let meow = read_by(Audience::Brand(BrandId(2)));
    assert!(
        texts_for(&woof, 7).contains(&"close to Kitty Kate in the marketplace graph"),
        "{:?}",
        texts_for(&woof, 7)
    );
    assert!(
        texts_for(&meow, 7).contains(&"worked with Meow Inc, as Kitty Kate did"),
        "{:?}",
        texts_for(&meow, 7)
    );
    assert!(
        woof.items
            .iter()
            .flat_map(|m| &m.paths)
            .all(|p| !p.text.contains("Meow"))
    );
}

#[test]
fn explanations_tell_the_value_components_that_lift_a_creator() {
    let f = fixture();
    let page = run(&f, &MatchQuery::new(BrandId(1)));
    let one = page
        .items
        .iter()
        .find(|m| m.creator == CreatorId(1))
        .unwrap();
    let standing = ContentStanding::from_profiles(f.profiles.values());
    let words = explanation(one, &f.profiles, &standing, &MatchConfig::default().rank);
    assert_eq!(words[0], one.paths[0].text);
    // US scores 90, 80, 75, 70, 65: 80 is in the top 40%; an LTV below its market's mean
    // does not lift it, so it is not told.
    assert!(
        words.contains(&"content scores in the top 50% of its market (80/100)".to_string()),
        "{words:?}"
    );
    assert!(words.contains(&"likely still selling (90% chance)".to_string()));
    assert!(
        !words.iter().any(|w| w.contains("lifetime value")),
        "{words:?}"
    );
}

#[test]
fn stand_in_values_are_told_from_measured_ones() {
    let mut f = fixture();
    // Creator 2 is new: no collaborations, no LTV, no P(active) yet.
    let new = f.profiles.get_mut(&CreatorId(2)).unwrap();
    new.collaborations_total = 0;
    new.collaborations_delivered = 0;
    new.ltv = None;
    new.p_active = None;
    let config = MatchConfig::default();
    let page = run(&f, &MatchQuery::new(BrandId(1)));
    let component = |creator: u64, which: Component| {
        let m = page.items.iter().find(|m| m.creator == CreatorId(creator));
        *m.unwrap()
            .components
            .iter()
            .find(|c| c.component == which)
            .unwrap()
    };
    let prior = component(2, Component::Reliability);
    assert!(!prior.measured);
    assert_eq!(prior.value, config.rank.reliability_prior_mean);
    for which in [Component::Ltv, Component::PActive] {
        let c = component(2, which);
        assert!(!c.measured && c.value == config.rank.missing_value, "{c:?}");
    }
    for which in [
        Component::Proximity,
        Component::NicheFocus,
        Component::Content,
    ] {
        assert!(component(2, which).measured, "{which:?}");
    }
    // Creator 1 delivered 4 of 4: a measured reliability, shrunk toward the prior.
    let measured = component(1, Component::Reliability);
    assert!(measured.measured && measured.value > config.rank.reliability_prior_mean);
    assert!(
        Component::ALL
            .iter()
            .all(|&which| component(1, which).measured)
    );
}

#[test]
fn lookalikes_share_the_seed_creators_niche() {
    let f = fixture();
    let query = LookalikeQuery {
        creator: CreatorId(4),
        filters: MatchFilters::default(),
        page: PageRequest::default(),
    };
    let page = lookalike_creators(
        &f.graph,
        &f.profiles,
        &f.names,
        &query,
        &MatchConfig::default(),
    )
    .unwrap();
    let found = ids(&page);
    assert!(!found.contains(&4));
    // Meow Inc's other creators, who share Kitty Kate's niche, lead.
    assert!(
        found[..2].contains(&6) && found[..2].contains(&7),
        "{found:?}"
    );
    let seven = page
        .items
        .iter()
        .find(|m| m.creator == CreatorId(7))
        .unwrap();
    assert!(
        seven
            .paths
            .iter()
            .any(|p| p.text == "shares Kitty Kate's niche Cat Food (100% of its videos)")
    );
}

#[test]
fn degree_correction_stops_hubs_winning_by_degree() {
    // Creator 20 is a Dog Food hub that worked with ten other Dog Food brands.
    let f = fixture();
    let mut updates = vec![GraphUpdate::UpsertCreator(CreatorInput {
        id: CreatorId(20),
        niches: vec![share(DOG_FOOD, 1.0)],
    })];
    for b in 100..110 {
        updates.push(GraphUpdate::UpsertBrand(BrandInput {
            id: BrandId(b),
            niches: vec![share(DOG_FOOD, 1.0)],
        }));
        updates.push(GraphUpdate::AddCollaboration(collab(b, 20)));
    }
    let graph = f.graph.apply(&updates).unwrap();
    let mut profiles = f.profiles.clone();
    profiles.insert(CreatorId(20), profile("US", 5_000, true, 80.0, 0));
    let proximity = |exponent: f64, id: u64| {
        let mut config = MatchConfig::default();
        config.ppr.degree_exponent = exponent;
        config.ppr.degree_reference = 0.0;
        let page = match_creators(
            &graph,
            &profiles,
            &f.names,
            &MatchQuery::new(BrandId(1)),
            &config,
        )
        .unwrap();
        let m = page
            .items
            .iter()
            .find(|m| m.creator == CreatorId(id))
            .unwrap();
        m.components
            .iter()
            .find(|c| c.component == Component::Proximity)
            .unwrap()
            .value
    };
    assert!(
        proximity(0.0, 20) > proximity(0.0, 2),
        "raw PPR favours the hub"
    );
    assert!(
        proximity(1.0, 20) < proximity(1.0, 2),
        "degree-normalised PPR does not"
    );
}

#[test]
fn degree_reference_corrects_only_creators_above_what_the_brand_hires() {
    // Creator 20 is a Dog Food hub that worked with ten other Dog Food brands; brand 1 hires
    // creators of far lower degree, so the hub is above its reference and the others are not.
    let f = fixture();
    let mut updates = vec![GraphUpdate::UpsertCreator(CreatorInput {
        id: CreatorId(20),
        niches: vec![share(DOG_FOOD, 1.0)],
    })];
    for b in 100..110 {
        updates.push(GraphUpdate::UpsertBrand(BrandInput {
            id: BrandId(b),
            niches: vec![share(DOG_FOOD, 1.0)],
        }));
        updates.push(GraphUpdate::AddCollaboration(collab(b, 20)));
    }
    let graph = f.graph.apply(&updates).unwrap();
    let mut profiles = f.profiles.clone();
    profiles.insert(CreatorId(20), profile("US", 5_000, true, 80.0, 0));
    let proximities = |exponent: f64, reference: f64| {
        let mut config = MatchConfig::default();
        config.ppr.degree_exponent = exponent;
        config.ppr.degree_reference = reference;
        let page = match_creators(
            &graph,
            &profiles,
            &f.names,
            &MatchQuery::new(BrandId(1)),
            &config,
        )
        .unwrap();
        let mut out: Vec<(CreatorId, f64)> = page
            .items
            .iter()
            .map(|m| {
                let p = m
                    .components
                    .iter()
                    .find(|c| c.component == Component::Proximity);
                (m.creator, p.unwrap().value)
            })
            .collect();
        out.sort_by_key(|e| e.0);
        out
    };
    let of =
        |rows: &[(CreatorId, f64)], id: u64| rows.iter().find(|e| e.0 == CreatorId(id)).unwrap().1;
    // A reference above every degree turns the correction off: proximity is raw PPR's.
    let raw = proximities(0.0, 0.0);
    let off = proximities(1.0, 1e9);
    for (a, b) in raw.iter().zip(&off) {
        assert_eq!(a.0, b.0);
        assert!((a.1 - b.1).abs() < 1e-9, "{a:?} vs {b:?}");
    }
    // At the brand's own reference (the degree of creator 6, its one collaborator) the hub is
    // still corrected: raw PPR's best, it falls below creator 4.
    let at_reference = proximities(1.0, 1.0);
    let plain = proximities(1.0, 0.0);
    assert_eq!(of(&raw, 20), 1.0);
    assert!(of(&at_reference, 20) < of(&at_reference, 4));
    // Creators 1 (never hired) and 4 (hired once) are both below it, so they keep raw PPR's
    // ratio; the plain correction lifts the never-hired one.
    let ratio = |rows: &[(CreatorId, f64)]| of(rows, 4) / of(rows, 1);
    assert!((ratio(&at_reference) - ratio(&raw)).abs() < 1e-9);
    assert!(ratio(&plain) < 0.5 * ratio(&raw));
}

#[test]
fn bad_input_and_config_are_reported() {
    let f = fixture();
    let q = MatchQuery::new(BrandId(42));
    assert_eq!(
        match_creators(&f.graph, &f.profiles, &f.names, &q, &MatchConfig::default()).unwrap_err(),
        MatchError::UnknownBrand(BrandId(42))
    );
    let mut config = MatchConfig::default();
    config.ppr.alpha = 1.5;
    assert!(matches!(
        config.validate(),
        Err(MatchError::InvalidConfig {
            field: "ppr.alpha",
            ..
        })
    ));
    let config = MatchConfig {
        weights: BlendWeights {
            proximity: 0.0,
            niche_focus: 0.0,
            content: 0.0,
            ltv: 0.0,
            p_active: 0.0,
            reliability: 0.0,
        },
        ..MatchConfig::default()
    };
    assert!(matches!(
        config.validate(),
        Err(MatchError::InvalidConfig {
            field: "weights",
            ..
        })
    ));
    assert!(MatchConfig::default().validate().is_ok());

    let base = GraphInput {
        niches: vec![NicheInput {
            id: NicheId(1),
            parent: None,
        }],
        creators: vec![CreatorInput {
            id: CreatorId(1),
            niches: vec![share(1, 1.0)],
        }],
        ..Default::default()
    };
    let build = |input: &GraphInput| MatchGraph::build(input, &GraphConfig::default()).map(|_| ());
    let mut unknown = base.clone();
    unknown.creators[0].niches.push(share(9, 1.0));
    assert_eq!(
        build(&unknown).unwrap_err(),
        MatchError::UnknownNiche(NicheId(9))
    );
    let mut duplicate = base.clone();
    duplicate.creators.push(duplicate.creators[0].clone());
    assert!(matches!(build(&duplicate), Err(MatchError::DuplicateId(_))));
    let mut negative = base.clone();
    negative.creators[0].niches[0].share = -1.0;
    assert!(matches!(build(&negative), Err(MatchError::InvalidInput(_))));
    let mut nan_gmv = base;
    nan_gmv.brands.push(BrandInput {
        id: BrandId(1),
        niches: vec![],
    });
    nan_gmv.collaborations.push(CollaborationInput {
        gmv: f64::NAN,
        ..collab(1, 1)
    });
    assert!(matches!(build(&nan_gmv), Err(MatchError::InvalidInput(_))));
}
