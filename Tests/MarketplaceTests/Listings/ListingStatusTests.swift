import Testing
@testable import Marketplace

/// The moderation state machine, without a database.
@Suite struct ListingStatusTests {
    static let legal: [ListingStatus: [ListingStatus.Event: ListingStatus]] = [
        .draft: [.submit: .pendingReview],
        .pendingReview: [.approve: .approved, .reject: .rejected, .unpublish: .unpublished],
        .approved: [.suspend: .suspended, .unpublish: .unpublished],
        .rejected: [.submit: .pendingReview],
        .suspended: [.reinstate: .approved, .unpublish: .unpublished],
        .unpublished: [.submit: .pendingReview],
    ]

    @Test(arguments: ListingStatus.allCases)
    func everyEventIsEitherLegalOrRefused(status: ListingStatus) {
        for event in ListingStatus.Event.allCases {
            if let expected = Self.legal[status]?[event] {
                #expect((try? status.applying(event)) == expected)
            } else {
                #expect(throws: StoreError.illegalTransition(entity: "listing", from: status.rawValue, event: event.rawValue)) {
                    try status.applying(event)
                }
            }
        }
    }

    @Test func deploymentLifecycleTransitions() throws {
        typealias Status = Deployment.Status
        #expect(try Status.stopped(reason: "").applying(.start) == .running)
        #expect(try Status.running.applying(.halt(reason: "daily loss")) == .halted(reason: "daily loss"))
        #expect(try Status.halted(reason: "x").applying(.resume) == .running)
        #expect(try Status.running.applying(.fault(reason: "quota")) == .faulted(reason: "quota"))
        #expect(try Status.faulted(reason: "quota").applying(.start) == .running)
        #expect(try Status.running.applying(.stop(reason: "user")) == .stopped(reason: "user"))
        #expect(throws: StoreError.illegalTransition(entity: "deployment", from: "running", event: "start")) { try Status.running.applying(.start) }
        #expect(throws: StoreError.illegalTransition(entity: "deployment", from: "stopped", event: "halt")) {
            try Status.stopped(reason: "").applying(.halt(reason: "x"))
        }
    }
}
