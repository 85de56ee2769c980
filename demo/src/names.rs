//! Words the generator draws names, titles and reasons from, so the demo reads like a real
//! marketplace rather than "creator 17".

use rand::Rng;
use rand::rngs::StdRng;

/// Picks one element of a non-empty static list.
pub(super) fn pick<T: Copy>(rng: &mut StdRng, list: &[T]) -> T {
    list[rng.random_range(0..list.len())]
}

/// Given names per market, in `MARKETS` order.
pub(super) const FIRST_NAMES: [&[&str]; 6] = [
    &[
        "Mia", "Jake", "Ava", "Tyler", "Madison", "Ethan", "Chloe", "Brandon", "Emma", "Marcus",
        "Sofia", "Jordan", "Kayla", "Dylan", "Harper", "Austin",
    ],
    &[
        "Olivia", "Harry", "Amelia", "Oliver", "Isla", "George", "Poppy", "Alfie", "Freya", "Jack",
        "Evie", "Charlie", "Grace", "Theo", "Lily", "Archie",
    ],
    &[
        "Putri", "Rizky", "Ayu", "Dimas", "Siti", "Bayu", "Dewi", "Fajar", "Nadia", "Agus",
        "Intan", "Yoga", "Rina", "Arif", "Lestari", "Hendra",
    ],
    &[
        "Ploy",
        "Nattapong",
        "Mint",
        "Kittisak",
        "Fah",
        "Somchai",
        "Praew",
        "Anan",
        "Nok",
        "Thanawat",
        "Ice",
        "Pim",
        "Beam",
        "Chanon",
        "May",
        "Boss",
    ],
    &[
        "Yui", "Haruto", "Sakura", "Ren", "Aoi", "Sota", "Hina", "Yuto", "Mei", "Riku", "Rin",
        "Kaito", "Yuna", "Daiki", "Emi", "Kenta",
    ],
    &[
        "Noura", "Abdullah", "Sara", "Faisal", "Reem", "Khalid", "Lama", "Omar", "Hessa", "Turki",
        "Dana", "Saud", "Jana", "Nasser", "Lulwa", "Majed",
    ],
];

/// Family names per market, in `MARKETS` order.
pub(super) const LAST_NAMES: [&[&str]; 6] = [
    &[
        "Johnson", "Rivera", "Nguyen", "Carter", "Brooks", "Patel", "Morgan", "Hayes", "Bennett",
        "Kim", "Foster", "Reyes",
    ],
    &[
        "Clarke", "Hughes", "Evans", "Walsh", "Patel", "Turner", "Wright", "Khan", "Shaw",
        "Murphy", "Ellis", "Webb",
    ],
    &[
        "Wijaya", "Saputra", "Santoso", "Pratama", "Lestari", "Hidayat", "Kusuma", "Nugroho",
        "Siregar", "Halim", "Utami", "Gunawan",
    ],
    &[
        "Srisuk",
        "Chaiyaporn",
        "Wongsakul",
        "Rattanakorn",
        "Boonmee",
        "Saetang",
        "Kongkaew",
        "Thongdee",
        "Panya",
        "Sukjai",
        "Meesuk",
        "Intarasuk",
    ],
    &[
        "Tanaka",
        "Sato",
        "Suzuki",
        "Takahashi",
        "Watanabe",
        "Ito",
        "Yamamoto",
        "Nakamura",
        "Kobayashi",
        "Kato",
        "Yoshida",
        "Matsumoto",
    ],
    &[
        "Al-Harbi",
        "Al-Qahtani",
        "Al-Otaibi",
        "Al-Ghamdi",
        "Al-Shehri",
        "Al-Zahrani",
        "Al-Dosari",
        "Al-Mutairi",
        "Al-Anazi",
        "Al-Shammari",
        "Al-Subaie",
        "Al-Malki",
    ],
];

/// Handle decorations creators like.
pub(super) const HANDLE_WORDS: &[&str] = &[
    "daily", "loves", "finds", "official", "vibes", "journal", "club", "with", "thereal", "hq",
    "diaries", "corner", "lab", "goals", "picks", "talks",
];

/// First halves of brand names.
pub(super) const BRAND_HEADS: &[&str] = &[
    "Lumi", "Nova", "Velo", "Kira", "Aura", "Zen", "Bloom", "Pura", "Terra", "Mori", "Sol", "Halo",
    "Oasis", "Nord", "Ember", "Coral", "Atlas", "Saffron", "Willow", "Indigo", "Pixel", "Juno",
    "Mocha", "Tidal", "Luxe", "Maple", "Orbit", "Sakura", "Dune", "Amber",
];

/// Second halves of brand names (category-neutral, so any brand can sell any niche).
pub(super) const BRAND_TAILS: &[&str] = &[
    "Labs",
    "& Co",
    "Studio",
    "Living",
    "Goods",
    "Works",
    "Supply",
    "Collective",
    "House",
    "Essentials",
    "Craft",
    "Atelier",
    "Brands",
    "Company",
    "Trading",
    "Club",
    "Market",
    "Select",
    "Edit",
    "Origins",
];

/// Names of independent shops: "{first}'s {word}".
pub(super) const SHOP_WORDS: &[&str] = &[
    "Corner", "Finds", "Picks", "Store", "Boutique", "Market", "Outlet", "Closet", "Shelf", "Depot",
];

/// Listing variants appended to product names.
pub(super) const VARIANTS: &[&str] = &[
    "Original",
    "Pro",
    "Mini",
    "Travel Size",
    "Bundle of 2",
    "Limited Edition",
    "Classic",
    "Plus",
    "Starter Kit",
    "Value Pack",
    "Rose",
    "Black",
    "Sage Green",
    "Sand",
    "Large",
    "XL",
    "2024 Model",
    "Refill",
    "Gift Set",
    "Lite",
];

/// Title templates by value grade (strongly useful, weakly useful, not useful); `{n}` is the
/// niche, `{i}` a typical item.
pub(super) const TITLES: [&[&str]; 3] = [
    &[
        "{n} for beginners: a 5-step tutorial",
        "How I use the {i}, step by step",
        "{i}: everything you need to know before buying",
        "3 {n} mistakes and how to fix them",
        "Full {n} routine explained",
        "{i} honest review after 30 days",
    ],
    &[
        "{i} haul and first impressions",
        "Unboxing the {i}",
        "My top {n} picks this month",
        "{i} vs the cheap dupe",
        "What's new in {n} this week",
        "Restock day: {n} edition",
    ],
    &[
        "POV: you finally bought the {i}",
        "Day in my life ({n} edition)",
        "When the {i} arrives early",
        "Trying the viral {n} trend",
        "Rating my {n} collection",
        "This {i} sound is everywhere",
    ],
];

/// Live stream title templates; `{n}` is the niche.
pub(super) const LIVE_TITLES: &[&str] = &[
    "LIVE: {n} flash deals",
    "Live Q&A + {n} giveaway",
    "Late-night {n} shopping live",
    "{n} mega sale, live now",
    "Live demo: {n} favourites",
];

/// Cancellation reasons with who is at fault.
pub(super) const CANCEL_REASONS: &[(&str, &str)] = &[
    ("out of stock", "seller"),
    ("seller could not ship in time", "seller"),
    ("pricing error", "seller"),
    ("changed my mind", "buyer"),
    ("ordered by mistake", "buyer"),
    ("found a better price", "buyer"),
    ("payment could not be verified", "platform"),
];

/// Return reasons with who is at fault.
pub(super) const RETURN_REASONS: &[(&str, &str)] = &[
    ("item not as described", "seller"),
    ("defective item", "seller"),
    ("wrong item sent", "seller"),
    ("damaged in transit", "carrier"),
    ("no longer needed", "buyer"),
    ("wrong size ordered", "buyer"),
];

/// Moderation reasons by subject (content, creator, shop).
pub(super) const VIOLATION_REASONS: [&[&str]; 3] = [
    &[
        "misleading product claim",
        "unlabelled paid promotion",
        "dangerous challenge",
        "copyrighted music",
        "before/after health claim",
        "counterfeit product shown",
    ],
    &[
        "spam comments",
        "fake engagement",
        "impersonation",
        "harassment in live chat",
        "off-platform payment request",
    ],
    &[
        "counterfeit listing",
        "prohibited item",
        "fake reviews",
        "price gouging",
        "misleading shipping promise",
    ],
];

/// Why a scout moved an entry into a state, per target state (prospect .. churned).
pub(super) const PIPELINE_REASONS: [&[&str]; 6] = [
    &[
        "found via niche search",
        "referred by a certified creator",
        "applied through the creator portal",
        "spotted in a trending live",
    ],
    &[
        "sent programme invitation by DM",
        "emailed the onboarding pack",
        "called the creator's agency",
    ],
    &[
        "accepted the invitation",
        "onboarding call booked",
        "signed the programme terms",
    ],
    &[
        "passed content and compliance review",
        "completed seller training",
        "first sale verified",
    ],
    &[
        "no response after 3 follow-ups",
        "audience mostly outside the market",
        "declined the programme terms",
        "failed content review",
    ],
    &[
        "inactive for 60 days",
        "moved to a competing agency",
        "left the platform",
        "repeated policy violations",
    ],
];
