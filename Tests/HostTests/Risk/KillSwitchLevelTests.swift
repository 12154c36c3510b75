import Testing
@testable import Host

extension RiskTests {
    /// The two levels of the kill switch: `halt` stops everything,
    /// `reduceOnly` lets exits through; the strictest switch covering a
    /// deployment applies.
    @Suite struct KillSwitchLevels {
        typealias F = RiskFixture
        static let scopes: [KillSwitchScope] = [.global, .owner("alice"), .deployment("dep-1")]

        @Test(arguments: scopes)
        func reduceOnlyLetsAClosingSellThroughAndRefusesIncreasesAndFlips(scope: KillSwitchScope) {
            let board = KillSwitchBoard()
            var engine = F.engine(board: board)
            board.engage(scope, level: .reduceOnly, reason: "drill")
            let long = F.account(position: "2")
            // Closing part or all of the long passes.
            expectAccepted(engine.check(F.order(.sell, "1"), long))
            expectAccepted(engine.check(F.order(.sell, "2", .market), long))
            // Adding to it, opening from flat, or selling through zero is refused.
            let increase = expectDenied(engine.check(F.order(.buy, "0.5"), long), .killSwitchReduceOnly)
            #expect(increase?.message.contains("reduce-only (drill)") == true, "\(String(describing: increase))")
            expectDenied(engine.check(F.order(.buy, "1"), F.account()), .killSwitchReduceOnly)
            expectDenied(engine.check(F.order(.sell, "2.00000001"), long), .killSwitchReduceOnly)
            // The open sells count: 1.5 resting plus 1 would flip the long.
            expectDenied(engine.check(F.order(.sell, "1"), F.account(position: "2", openSell: "1.5")), .killSwitchReduceOnly)
            // A short closes with a buy.
            expectAccepted(engine.check(F.order(.buy, "1"), F.account(position: "-1")))
            expectDenied(engine.check(F.order(.sell, "1"), F.account(position: "-1")), .killSwitchReduceOnly)
            board.release(scope)
            expectAccepted(engine.check(F.order(.buy, "1"), F.account()))
        }

        @Test(arguments: scopes)
        func haltRefusesEvenAnExit(scope: KillSwitchScope) {
            let board = KillSwitchBoard()
            var engine = F.engine(board: board)
            board.engage(scope, level: .halt, reason: "drill")
            expectDenied(engine.check(F.order(.sell, "1"), F.account(position: "2")), .killSwitch)
            expectDenied(engine.check(F.order(.buy, "1"), F.account()), .killSwitch)
            // Lowering it to reduce-only lets the exit out.
            board.engage(scope, level: .reduceOnly, reason: "drill")
            expectAccepted(engine.check(F.order(.sell, "1"), F.account(position: "2")))
        }

        @Test func theStrictestSwitchCoveringTheDeploymentWins() {
            let board = KillSwitchBoard()
            var engine = F.engine(board: board)
            let long = F.account(position: "2")
            board.engage(.global, level: .reduceOnly, reason: "market closed")
            board.engage(.deployment("dep-1"), level: .halt, reason: "runaway")
            let reason = expectDenied(engine.check(F.order(.sell, "1"), long), .killSwitch)
            #expect(reason?.message.contains("deployment dep-1") == true, "\(String(describing: reason))")
            #expect(board.strictest(owner: "alice", deployment: "dep-1")?.scope == .deployment("dep-1"))
            board.release(.deployment("dep-1"))
            expectAccepted(engine.check(F.order(.sell, "1"), long))
            // A halt elsewhere does not apply; among equal levels the broadest scope is named.
            board.engage(.owner("bob"), level: .halt)
            board.engage(.owner("alice"), level: .reduceOnly)
            expectAccepted(engine.check(F.order(.sell, "1"), long))
            #expect(board.strictest(owner: "alice", deployment: "dep-1")?.scope == .global)
            board.engage(.owner("alice"), level: .halt)
            expectDenied(engine.check(F.order(.sell, "1"), long), .killSwitch)
            #expect(board.strictest(owner: "carol", deployment: "dep-7")?.level == .reduceOnly)
        }

        @Test func theBoardListsWhatIsEngaged() {
            let board = KillSwitchBoard()
            #expect(board.engaged().isEmpty)
            #expect(board.strictest(owner: "alice", deployment: "dep-1") == nil)
            board.engage(.deployment("dep-2"), level: .halt, reason: "b")
            board.engage(.owner("alice"), level: .reduceOnly, reason: "a")
            board.engage(.global, level: .reduceOnly)
            let expected: [Host.KillSwitch] = [
                Host.KillSwitch(scope: .global, level: .reduceOnly),
                Host.KillSwitch(scope: .owner("alice"), level: .reduceOnly, reason: "a"),
                Host.KillSwitch(scope: .deployment("dep-2"), level: .halt, reason: "b"),
            ]
            #expect(board.engaged() == expected)
            #expect(board.level(.owner("alice")) == .reduceOnly && board.level(.owner("bob")) == nil)
            board.release(.global)
            board.release(.owner("alice"))
            board.release(.deployment("dep-2"))
            #expect(board.engaged().isEmpty)
        }

        /// The daily-loss halt and a reduce-only switch agree on what an exit is.
        @Test func reduceOnlyAndTheLossHaltShareOneReducingRule() {
            let board = KillSwitchBoard()
            var engine = F.engine(board: board)
            engine.state = .reducing
            board.engage(.global, level: .reduceOnly)
            expectAccepted(engine.check(F.order(.sell, "1"), F.account(position: "2")))
            expectDenied(engine.check(F.order(.buy, "1"), F.account(position: "2")), .killSwitchReduceOnly)
        }
    }
}
