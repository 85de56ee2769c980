//! Who reads an explanation, and the names that reader may see.
//!
//! Brands are tenants: one brand's collaborations are its own business, so an explanation
//! read by a brand must not name another brand, nor count or name that brand's partners.
//! Every explanation is written through [`Names`], and [`NamesFor`] is the one redaction in
//! front of it: a brand it hides comes back as `None`, and the explainer then describes the
//! step through that brand without naming or counting anything behind it.

use super::input::{BrandId, CreatorId, Names, NicheId};

/// The reader of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The platform's operators: every brand by name, with its partners.
    Operator,
    /// A brand: itself by name, every other brand hidden.
    Brand(BrandId),
    /// Anyone else: no brand by name.
    Public,
}

impl Audience {
    /// Whether this reader may see `brand` and its collaborations.
    pub fn sees(&self, brand: BrandId) -> bool {
        match self {
            Self::Operator => true,
            Self::Brand(own) => *own == brand,
            Self::Public => false,
        }
    }
}

/// [`Names`] as one [`Audience`] may see them. Niches and creators are public profiles;
/// brands are shown only to a reader who [`sees`](Audience::sees) them.
pub struct NamesFor<'a> {
    names: &'a dyn Names,
    audience: Audience,
}

impl<'a> NamesFor<'a> {
    /// `names` redacted for `audience`.
    pub fn new(names: &'a dyn Names, audience: Audience) -> Self {
        Self { names, audience }
    }
}

impl Names for NamesFor<'_> {
    fn niche(&self, id: NicheId) -> Option<&str> {
        self.names.niche(id)
    }
    fn brand(&self, id: BrandId) -> Option<&str> {
        self.audience
            .sees(id)
            .then(|| self.names.brand(id))
            .flatten()
    }
    fn creator(&self, id: CreatorId) -> Option<&str> {
        self.names.creator(id)
    }
}
