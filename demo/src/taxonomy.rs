//! The niche taxonomy: parent categories with real leaf niches, their typical US price, how
//! popular each category is per market and how engaging its content tends to be.

use super::markets::PriceClass;

/// A leaf niche: what creators specialise in and products are listed under.
#[derive(Debug)]
pub(super) struct Leaf {
    pub slug: &'static str,
    pub name: &'static str,
    /// Typical US shelf price in dollars.
    pub usd: f64,
    /// Product names typical of the niche, for listings and titles.
    pub items: [&'static str; 3],
}

/// A parent category.
#[derive(Debug)]
pub(super) struct Category {
    pub slug: &'static str,
    pub name: &'static str,
    pub class: PriceClass,
    /// Relative popularity per market, in `MARKETS` order (US, GB, ID, TH, JP, SA).
    pub affinity: [f64; 6],
    /// Engagement multiplier of its content (pets and beauty engage, cars less so).
    pub engagement: f64,
    pub leaves: &'static [Leaf],
}

macro_rules! leaves {
    ($( $slug:literal, $name:literal, $usd:literal, [$a:literal, $b:literal, $c:literal]; )+) => {
        &[$(Leaf { slug: $slug, name: $name, usd: $usd, items: [$a, $b, $c] }),+]
    };
}

/// Every category, in id order: parents take ids 1..=P, then leaves in this order.
pub(super) const CATEGORIES: &[Category] = &[
    Category {
        slug: "beauty",
        name: "Beauty",
        class: PriceClass::Everyday,
        affinity: [1.2, 1.1, 1.3, 1.3, 1.4, 1.1],
        engagement: 1.15,
        leaves: leaves! {
            "skincare", "Skincare", 28.0, ["Hydrating Serum", "Gentle Foaming Cleanser", "Vitamin C Night Cream"];
            "makeup", "Makeup", 22.0, ["Long-Wear Foundation", "Matte Liquid Lipstick", "Eyeshadow Palette"];
            "haircare", "Haircare", 20.0, ["Repair Hair Mask", "Scalp Serum", "Sulfate-Free Shampoo"];
            "fragrance", "Fragrance", 65.0, ["Eau de Parfum", "Body Mist", "Discovery Set"];
            "nail-care", "Nail Care", 12.0, ["Gel Polish Kit", "Press-On Nails", "Cuticle Oil"];
            "mens-grooming", "Men's Grooming", 25.0, ["Beard Oil", "Precision Trimmer", "Charcoal Face Wash"];
            "k-beauty", "K-Beauty", 24.0, ["Snail Mucin Essence", "Sheet Mask Pack", "Cushion Compact"];
            "sun-care", "Sun Care", 18.0, ["SPF50 Sunscreen", "After-Sun Gel", "Tinted Sun Fluid"];
            "lip-care", "Lip Care", 10.0, ["Lip Sleeping Mask", "Tinted Lip Balm", "Sugar Lip Scrub"];
            "beauty-tools", "Beauty Tools", 30.0, ["Jade Roller", "LED Face Mask", "Makeup Brush Set"];
        },
    },
    Category {
        slug: "fashion",
        name: "Fashion",
        class: PriceClass::Premium,
        affinity: [1.3, 1.3, 1.1, 1.0, 1.0, 1.0],
        engagement: 1.1,
        leaves: leaves! {
            "designer-jewellery", "Designer Jewellery", 85.0, ["Sterling Silver Pendant", "Gold Vermeil Hoops", "Charm Bracelet"];
            "yoga-pants", "Yoga Pants", 48.0, ["High-Waist Leggings", "Flare Yoga Pants", "Seamless Leggings"];
            "streetwear", "Streetwear", 45.0, ["Oversized Hoodie", "Graphic Tee", "Cargo Pants"];
            "modest-fashion", "Modest Fashion", 40.0, ["Chiffon Hijab", "Embroidered Abaya", "Pleated Maxi Skirt"];
            "sneakers", "Sneakers", 90.0, ["Retro Runner Sneakers", "Canvas High-Tops", "Chunky Trainers"];
            "handbags", "Handbags", 70.0, ["Leather Tote", "Mini Crossbody Bag", "Quilted Shoulder Bag"];
            "dresses", "Dresses", 38.0, ["Wrap Dress", "Satin Slip Dress", "Floral Midi Dress"];
            "lingerie", "Lingerie", 30.0, ["Lace Bralette", "Seamless Briefs Pack", "Silk Pyjama Set"];
            "plus-size-fashion", "Plus-Size Fashion", 36.0, ["Stretch Mom Jeans", "Tunic Top", "Smoothing Shapewear"];
            "kids-clothing", "Kids' Clothing", 22.0, ["Kids Pyjamas", "Toddler Romper", "School Uniform Set"];
            "vintage-fashion", "Vintage Fashion", 42.0, ["Vintage Denim Jacket", "Retro Sunglasses", "Thrifted Cardigan"];
        },
    },
    Category {
        slug: "home",
        name: "Home & Living",
        class: PriceClass::Value,
        affinity: [1.1, 1.0, 1.3, 1.3, 1.0, 1.0],
        engagement: 0.95,
        leaves: leaves! {
            "kitchen-gadgets", "Kitchen Gadgets", 9.0, ["Vegetable Chopper", "Silicone Spatula Set", "Garlic Press"];
            "home-decor", "Home Decor", 35.0, ["Boucle Cushion Cover", "Arched Wall Mirror", "Ceramic Vase"];
            "cleaning-supplies", "Cleaning Supplies", 11.0, ["Microfibre Cloth Pack", "Spin Mop", "Stain Remover Spray"];
            "storage-organisation", "Storage & Organisation", 18.0, ["Stackable Storage Bins", "Drawer Dividers", "Vacuum Storage Bags"];
            "bedding", "Bedding", 55.0, ["Cooling Pillow", "Linen Duvet Cover", "Weighted Blanket"];
            "smart-home", "Smart Home", 40.0, ["Smart Plug", "Wi-Fi Indoor Camera", "Smart Bulb Pack"];
            "candles", "Candles & Fragrance", 20.0, ["Soy Candle", "Reed Diffuser", "Wax Melts"];
            "indoor-plants", "Indoor Plants", 22.0, ["Self-Watering Planter", "Grow Light", "Faux Olive Tree"];
            "cookware", "Cookware", 60.0, ["Non-Stick Frying Pan", "Cast Iron Skillet", "Air Fryer Liners"];
            "bathroom", "Bathroom", 16.0, ["Filtered Shower Head", "Memory Foam Bath Mat", "Toothbrush Holder"];
        },
    },
    Category {
        slug: "pets",
        name: "Pets",
        class: PriceClass::Everyday,
        affinity: [1.3, 1.2, 0.8, 0.9, 1.1, 0.7],
        engagement: 1.3,
        leaves: leaves! {
            "dog-food", "Dog Food", 35.0, ["Grain-Free Dog Food", "Freeze-Dried Dog Treats", "Puppy Kibble"];
            "cat-toys", "Cat Toys", 8.0, ["Feather Wand", "Interactive Laser Toy", "Catnip Mice"];
            "pet-grooming", "Pet Grooming", 20.0, ["Deshedding Brush", "Oatmeal Pet Shampoo", "Nail Grinder"];
            "aquarium", "Aquarium", 30.0, ["Nano Aquarium Kit", "Aquarium Filter", "LED Tank Light"];
            "dog-accessories", "Dog Accessories", 24.0, ["No-Pull Harness", "Retractable Lead", "Orthopaedic Dog Bed"];
            "cat-litter", "Cat Litter", 18.0, ["Clumping Cat Litter", "Self-Cleaning Litter Box", "Litter Mat"];
            "pet-health", "Pet Health", 22.0, ["Joint Supplement Chews", "Flea and Tick Collar", "Probiotic Powder"];
            "bird-supplies", "Bird Supplies", 15.0, ["Natural Wood Perch", "Wild Bird Seed Mix", "Bird Bath"];
            "small-pets", "Small Pets", 14.0, ["Hamster Cage", "Timothy Hay", "Guinea Pig Hideout"];
        },
    },
    Category {
        slug: "electronics",
        name: "Electronics",
        class: PriceClass::Electronics,
        affinity: [1.1, 1.0, 1.1, 1.1, 1.1, 1.4],
        engagement: 0.85,
        leaves: leaves! {
            "phone-accessories", "Phone Accessories", 15.0, ["MagSafe Case", "Tempered Glass Protector", "Phone Grip"];
            "headphones", "Headphones", 60.0, ["Wireless Earbuds", "Noise-Cancelling Headphones", "Sports Earphones"];
            "smartwatches", "Smartwatches", 120.0, ["Fitness Smartwatch", "Kids Smartwatch", "Smartwatch Strap"];
            "gaming-accessories", "Gaming Accessories", 45.0, ["Mechanical Keyboard", "Wireless Gaming Mouse", "Controller Grip"];
            "cameras", "Cameras", 250.0, ["Action Camera", "Instant Camera", "Vlogging Kit"];
            "laptops-tablets", "Laptops & Tablets", 180.0, ["11-inch Tablet", "Aluminium Laptop Stand", "Stylus Pen"];
            "chargers-power-banks", "Chargers & Power Banks", 25.0, ["20000mAh Power Bank", "GaN Fast Charger", "Wireless Charging Pad"];
            "speakers", "Speakers", 70.0, ["Smart Speaker", "Portable Bluetooth Speaker", "Compact Soundbar"];
            "drones", "Drones", 300.0, ["Mini Camera Drone", "FPV Goggles", "Spare Drone Battery"];
            "streaming-gear", "Streaming Gear", 35.0, ["Ring Light", "USB Microphone", "Collapsible Green Screen"];
        },
    },
    Category {
        slug: "food-drink",
        name: "Food & Drink",
        class: PriceClass::Value,
        affinity: [1.0, 1.0, 1.3, 1.3, 1.2, 1.1],
        engagement: 1.1,
        leaves: leaves! {
            "snacks", "Snacks", 6.0, ["Spicy Tortilla Chips", "Protein Bar Box", "Seaweed Snacks"];
            "coffee-tea", "Coffee & Tea", 18.0, ["Cold Brew Coffee", "Ceremonial Matcha", "Loose Leaf Tea"];
            "healthy-eating", "Healthy Eating", 20.0, ["Keto Granola", "Meal Replacement Shake", "Almond Butter"];
            "baking", "Baking", 14.0, ["Sourdough Starter Kit", "Cake Decorating Kit", "Silicone Baking Mat"];
            "halal-food", "Halal Food", 15.0, ["Halal Beef Jerky", "Halal Gummies", "Ready-to-Eat Halal Meals"];
            "spices-condiments", "Spices & Condiments", 8.0, ["Chilli Crisp", "Sambal Bawang", "Spice Blend Set"];
            "sweets-desserts", "Sweets & Desserts", 10.0, ["Mochi Box", "Chocolate Truffles", "Stuffed Dates Box"];
            "beverages", "Beverages", 7.0, ["Sparkling Water Pack", "Electrolyte Drink Mix", "Bubble Tea Kit"];
            "instant-noodles", "Instant Noodles", 5.0, ["Spicy Ramen Pack", "Cup Noodles Box", "Fire Noodles Challenge Pack"];
        },
    },
    Category {
        slug: "sports-fitness",
        name: "Sports & Fitness",
        class: PriceClass::Everyday,
        affinity: [1.2, 1.1, 0.9, 0.9, 1.0, 1.0],
        engagement: 1.0,
        leaves: leaves! {
            "home-workout", "Home Workout", 30.0, ["Resistance Bands", "Adjustable Dumbbells", "Ab Roller"];
            "yoga-accessories", "Yoga Accessories", 28.0, ["Non-Slip Yoga Mat", "Cork Yoga Blocks", "Yoga Wheel"];
            "running", "Running", 55.0, ["Running Belt", "Compression Socks", "Hydration Vest"];
            "supplements", "Supplements", 35.0, ["Whey Protein", "Creatine Monohydrate", "Pre-Workout"];
            "cycling", "Cycling", 45.0, ["Bike Light Set", "Padded Cycling Gloves", "Bike Phone Mount"];
            "camping", "Camping & Outdoor", 60.0, ["Camping Lantern", "Ultralight Tent", "Sleeping Bag"];
            "martial-arts", "Martial Arts", 35.0, ["Boxing Gloves", "Hand Wraps", "Muay Thai Shorts"];
            "swimming", "Swimming", 22.0, ["Anti-Fog Swim Goggles", "Training Swimsuit", "Silicone Swim Cap"];
            "fishing", "Fishing", 30.0, ["Fishing Lure Set", "Telescopic Rod", "Tackle Box"];
            "golf", "Golf", 50.0, ["Golf Balls Dozen", "Putting Mat", "Golf Glove"];
        },
    },
    Category {
        slug: "baby-kids",
        name: "Baby & Kids",
        class: PriceClass::Everyday,
        affinity: [1.0, 1.0, 1.2, 1.1, 1.0, 1.1],
        engagement: 1.0,
        leaves: leaves! {
            "baby-care", "Baby Care", 18.0, ["Sensitive Baby Wipes", "Nappy Rash Cream", "Baby Lotion"];
            "toys", "Toys", 20.0, ["Building Blocks", "Plush Toy", "RC Stunt Car"];
            "educational-toys", "Educational Toys", 25.0, ["Montessori Busy Board", "STEM Robot Kit", "Wooden Puzzle"];
            "strollers-car-seats", "Strollers & Car Seats", 220.0, ["Compact Stroller", "Convertible Car Seat", "Baby Carrier"];
            "baby-feeding", "Baby Feeding", 16.0, ["Silicone Bib Set", "Anti-Colic Bottle", "Suction Plate"];
            "maternity", "Maternity", 30.0, ["Pregnancy Pillow", "Nursing Bra", "Belly Oil"];
            "kids-books", "Kids' Books", 12.0, ["Picture Book Set", "Sticker Activity Book", "Bedtime Stories"];
        },
    },
    Category {
        slug: "health-wellness",
        name: "Health & Wellness",
        class: PriceClass::Everyday,
        affinity: [1.0, 1.0, 1.0, 1.0, 1.2, 1.0],
        engagement: 0.9,
        leaves: leaves! {
            "vitamins", "Vitamins", 20.0, ["Multivitamin Gummies", "Vitamin D3 Drops", "Collagen Powder"];
            "sleep-aids", "Sleep Aids", 25.0, ["Silk Sleep Mask", "Magnesium Spray", "White Noise Machine"];
            "massage-tools", "Massage Tools", 45.0, ["Massage Gun", "Shiatsu Neck Massager", "Foam Roller"];
            "oral-care", "Oral Care", 25.0, ["Electric Toothbrush", "Water Flosser", "Whitening Strips"];
            "eye-care", "Eye Care", 15.0, ["Blue-Light Glasses", "Lubricating Eye Drops", "Warm Eye Mask"];
            "feminine-care", "Feminine Care", 12.0, ["Period Underwear", "Menstrual Cup", "Heat Patch"];
            "herbal-remedies", "Herbal Remedies", 16.0, ["Herbal Tea Blend", "Black Seed Oil", "Ginger Shots"];
        },
    },
    Category {
        slug: "hobbies",
        name: "Hobbies & Stationery",
        class: PriceClass::Everyday,
        affinity: [1.0, 1.0, 0.9, 0.9, 1.3, 0.8],
        engagement: 1.05,
        leaves: leaves! {
            "arts-crafts", "Arts & Crafts", 18.0, ["Resin Art Kit", "Embroidery Kit", "Acrylic Paint Set"];
            "stationery", "Stationery", 10.0, ["Dotted Bullet Journal", "Gel Pen Set", "Washi Tape"];
            "books", "Books", 16.0, ["Bestselling Novel", "Self-Help Book", "Manga Volume"];
            "anime-merch", "Anime Merch", 28.0, ["Acrylic Stand", "Scale Figure", "Anime Keychain"];
            "board-games", "Board Games", 35.0, ["Party Card Game", "Strategy Board Game", "1000-Piece Jigsaw"];
            "musical-instruments", "Musical Instruments", 90.0, ["Concert Ukulele", "Kalimba", "Digital Piano Keyboard"];
            "diy-tools", "DIY Tools", 40.0, ["Cordless Drill", "Precision Screwdriver Set", "Laser Level"];
            "collectibles", "Collectibles", 30.0, ["Blind Box Figure", "Trading Card Booster", "Coin Album"];
        },
    },
    Category {
        slug: "luxury-gifts",
        name: "Luxury & Gifts",
        class: PriceClass::Luxury,
        affinity: [0.8, 0.9, 0.5, 0.6, 0.8, 1.6],
        engagement: 0.8,
        leaves: leaves! {
            "luxury-watches", "Luxury Watches", 900.0, ["Automatic Watch", "Chronograph", "Dress Watch"];
            "gold-jewellery", "Gold Jewellery", 400.0, ["22K Gold Bangle", "Gold Chain Necklace", "Gold Coin Pendant"];
            "oud-perfume", "Oud & Arabian Perfume", 120.0, ["Oud Oil", "Bakhoor Set", "Oud Eau de Parfum"];
            "gift-boxes", "Gift Boxes", 60.0, ["Ramadan Gift Box", "Luxury Chocolate Hamper", "Spa Gift Set"];
            "leather-goods", "Leather Goods", 180.0, ["Leather Wallet", "Card Holder", "Leather Belt"];
            "designer-sunglasses", "Designer Sunglasses", 160.0, ["Aviator Sunglasses", "Cat-Eye Sunglasses", "Polarised Shades"];
        },
    },
    Category {
        slug: "automotive",
        name: "Automotive",
        class: PriceClass::Everyday,
        affinity: [1.0, 0.9, 1.0, 1.0, 0.9, 1.1],
        engagement: 0.8,
        leaves: leaves! {
            "car-accessories", "Car Accessories", 20.0, ["Magnetic Phone Holder", "Seat Gap Organiser", "Car Air Freshener"];
            "car-care", "Car Care", 18.0, ["Ceramic Coating Spray", "Handheld Car Vacuum", "Detailing Brush Kit"];
            "motorcycle-gear", "Motorcycle Gear", 60.0, ["Full-Face Helmet", "Riding Gloves", "Motorcycle Rain Cover"];
            "dash-cams", "Dash Cams", 70.0, ["4K Dash Cam", "Rear View Camera", "Parking Monitor"];
            "ev-accessories", "EV Accessories", 90.0, ["EV Charging Cable", "Cable Organiser", "Charge Port Cover"];
        },
    },
    Category {
        slug: "travel",
        name: "Travel",
        class: PriceClass::Premium,
        affinity: [1.0, 1.1, 0.9, 1.0, 1.0, 1.0],
        engagement: 0.95,
        leaves: leaves! {
            "luggage", "Luggage", 120.0, ["Carry-On Suitcase", "Packing Cubes", "Digital Luggage Scale"];
            "travel-accessories", "Travel Accessories", 20.0, ["Memory Foam Neck Pillow", "Universal Adapter", "Hanging Toiletry Bag"];
        },
    },
];

/// A leaf niche with its place in the taxonomy and its database id.
#[derive(Debug)]
pub(super) struct Niche {
    /// Index into `CATEGORIES`.
    pub category: usize,
    pub leaf: &'static Leaf,
    pub id: i64,
}

/// The taxonomy flattened for generation: every leaf with its id and category.
#[derive(Debug)]
pub(super) struct Taxonomy {
    pub niches: Vec<Niche>,
    /// Leaf indices (into `niches`) by category.
    pub by_category: Vec<Vec<usize>>,
}

impl Taxonomy {
    /// Flattens `CATEGORIES`: parents take ids 1..=P, leaves follow in declaration order.
    pub fn new() -> Self {
        let mut niches = Vec::new();
        let mut by_category = Vec::with_capacity(CATEGORIES.len());
        for (category, c) in CATEGORIES.iter().enumerate() {
            let mut members = Vec::with_capacity(c.leaves.len());
            for leaf in c.leaves {
                members.push(niches.len());
                let id = (CATEGORIES.len() + niches.len() + 1) as i64;
                niches.push(Niche { category, leaf, id });
            }
            by_category.push(members);
        }
        Self {
            niches,
            by_category,
        }
    }

    /// The database id of a parent category.
    pub fn category_id(category: usize) -> i64 {
        category as i64 + 1
    }

    /// Popularity of every leaf in a market: the category's affinity there, with the first
    /// leaves of each category (the classics) a little more popular than the last.
    pub fn popularity(&self, market: usize) -> Vec<f64> {
        let mut rank_in_category = vec![0usize; CATEGORIES.len()];
        self.niches
            .iter()
            .map(|n| {
                let rank = rank_in_category[n.category];
                rank_in_category[n.category] += 1;
                CATEGORIES[n.category].affinity[market] / (1.0 + 0.12 * rank as f64)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn taxonomy_is_big_enough_and_slugs_are_unique() {
        let taxonomy = Taxonomy::new();
        assert!(CATEGORIES.len() >= 10);
        assert!(
            taxonomy.niches.len() >= 100,
            "{} leaves",
            taxonomy.niches.len()
        );
        let mut slugs = HashSet::new();
        for slug in CATEGORIES
            .iter()
            .map(|c| c.slug)
            .chain(taxonomy.niches.iter().map(|n| n.leaf.slug))
        {
            assert!(slugs.insert(slug), "duplicate slug {slug}");
        }
    }
}
