/// The moderation workflow of a listing, as a value:
///
///     draft ──submit──▶ pendingReview ──approve──▶ approved ──suspend──▶ suspended
///       ▲                 │                          │  ▲                  │
///       │               reject                  unpublish └──reinstate─────┘
///       │                 ▼                          ▼
///     (rejected, unpublished) ──submit──▶ pendingReview
///
/// Only `approved` listings are visible to anyone but their author and admins.
public enum ListingStatus: String, Sendable, Codable, CaseIterable {
    case draft
    case pendingReview = "pending_review"
    case approved
    case rejected
    case suspended
    case unpublished

    /// What may happen to a listing.
    public enum Event: String, Sendable, CaseIterable {
        case submit, approve, reject, suspend, reinstate, unpublish
    }

    /// The status after `event`, or `illegalTransition`.
    public func applying(_ event: Event) throws(StoreError) -> ListingStatus {
        switch (self, event) {
        case (.draft, .submit), (.rejected, .submit), (.unpublished, .submit): return .pendingReview
        case (.pendingReview, .approve): return .approved
        case (.pendingReview, .reject): return .rejected
        case (.approved, .suspend): return .suspended
        case (.suspended, .reinstate): return .approved
        case (.approved, .unpublish), (.suspended, .unpublish), (.pendingReview, .unpublish): return .unpublished
        default: throw StoreError.illegalTransition(entity: "listing", from: rawValue, event: event.rawValue)
        }
    }

    /// Events the author performs; the rest are for moderators.
    public static let authorEvents: Set<Event> = [.submit, .unpublish]
}
