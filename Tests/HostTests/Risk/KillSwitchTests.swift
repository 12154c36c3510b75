import Foundation
import Testing
@testable import Host

extension RiskTests {
    @Suite struct KillSwitch {
        typealias F = RiskFixture

        @Test(arguments: [KillSwitchScope.global, .owner("alice"), .deployment("dep-1")])
        func eachScopeStopsEveryOrderUntilReleased(scope: KillSwitchScope) {
            let board = KillSwitchBoard()
            var engine = F.engine(board: board)
            expectAccepted(engine.check(F.order(), F.account()))
            board.engage(scope, reason: "operator drill")
            #expect(board.isEngaged(scope))
            let reason = expectDenied(engine.check(F.order(), F.account()), .killSwitch)
            #expect(reason?.message.contains("operator drill") == true)
            // Not even an exit passes the emergency stop.
            expectDenied(engine.check(F.order(.sell, "1"), F.account(position: "2")), .killSwitch)
            board.release(scope)
            #expect(!board.isEngaged(scope))
            expectAccepted(engine.check(F.order(), F.account()))
        }

        @Test func otherOwnersAndDeploymentsAreUnaffected() {
            let board = KillSwitchBoard()
            var engine = F.engine(board: board)
            board.engage(.owner("bob"))
            board.engage(.deployment("dep-2"))
            expectAccepted(engine.check(F.order(), F.account()))
            board.engage(.owner("alice"))
            let reason = expectDenied(engine.check(F.order(), F.account()), .killSwitch)
            #expect(reason?.message.contains("owner alice") == true)
            board.release(.owner("alice"))
            board.release(.owner("alice"))   // releasing twice is harmless
            expectAccepted(engine.check(F.order(), F.account()))
        }

        @Test func oneBoardServesEveryEngine() {
            let board = KillSwitchBoard()
            var first = F.engine(board: board)
            var second = RiskEngine(deploymentID: "dep-9", ownerID: "carol", killSwitches: board)
            board.engage(.global)
            expectDenied(first.check(F.order(), F.account()), .killSwitch)
            expectDenied(second.check(F.order(), F.account()), .killSwitch)
            board.release(.global)
            expectAccepted(second.check(F.order(), F.account()))
        }

        /// An admin thread flips the switch while the strategy thread checks
        /// orders: every decision is an accept or a kill-switch denial, nothing
        /// crashes or tears, and the final state is seen at once.
        @Test func flippedFromAnotherThreadWhileChecking() async {
            let board = KillSwitchBoard()
            let flips = 20_000
            let admin = Thread {
                for index in 0..<flips {
                    if index % 2 == 0 { board.engage(.deployment("dep-1")) } else { board.release(.deployment("dep-1")) }
                    board.engage(.owner("other-\(index % 7)"))
                    board.release(.owner("other-\(index % 7)"))
                }
            }
            var engine = F.engine(board: board)
            // Millions of checks at one instant: lift the default order rate.
            engine.limits = LayeredRiskLimits(deployment: RiskLimits(orderRate: OrderRateLimit(capacity: Int.max / 2, refillPerSecond: 1)))
            #expect(engine.state == .active)
            let account = F.account()
            let order = F.order()
            var accepted = 0, denied = 0
            admin.start()
            while !admin.isFinished || accepted + denied < 1_000 {
                switch engine.check(order, account) {
                case .accept: accepted += 1
                case .deny(let reason):
                    #expect(reason.code == OrderReasonCode.killSwitch)
                    denied += 1
                }
                if accepted + denied > 5_000_000 { break }
            }
            #expect(accepted + denied >= 1_000)
            // 20,000 flips ended released.
            #expect(!board.isEngaged(.deployment("dep-1")))
            expectAccepted(engine.check(order, account))
            board.engage(.global)
            expectDenied(engine.check(order, account), .killSwitch)
        }
    }
}
