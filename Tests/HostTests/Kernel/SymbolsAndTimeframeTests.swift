import Foundation
import Testing
@testable import Host
import Sandbox
import TestSupport

/// What a deployment trades is what its user chose (docs/strategy-api.md,
/// "Symbols and timeframe"), the same in every host.
@Suite struct SymbolsAndTimeframeTests {
    static let script = """
    bars = {}
    function on_start(ctx) ctx.log("info", "symbols=" .. table.concat(ctx.symbols, ",")) end
    function on_bar(ctx, bar)
      bars[#bars + 1] = bar.symbol .. "/" .. bar.timeframe
      if #bars == 1 then
        local _, code = ctx.buy { symbol = "BTCUSD", quantity = 0.001 }
        ctx.log("info", "other=" .. tostring(code))
        local ok = pcall(ctx.subscribe, "BTCUSD", { "book" })
        ctx.log("info", "subscribe=" .. tostring(ok))
      end
    end
    function on_stop(ctx) ctx.log("info", "bars=" .. #bars .. " first=" .. (bars[1] or "")) end
    """

    static func run(symbols: [String]?, timeframe: Int64?) throws -> DeploymentKernel {
        var market = SyntheticMarket(configuration: .init(seed: 7, startTime: 1_700_000_000))
        let configuration = DeploymentConfiguration(source: script, instruments: market.instruments,
                                                    symbols: symbols, timeframe: timeframe)
        // The configuration crosses to a worker process unchanged.
        let wired = try WireDeployment(configuration).configuration()
        #expect(wired.symbols == symbols && wired.timeframe == timeframe)
        let kernel = try DeploymentKernel(configuration: wired)
        kernel.start(at: 1_700_000_000)
        while let event = market.next(), event.time <= 1_700_000_000 + 3600 { kernel.handle(event) }
        kernel.stop()
        return kernel
    }

    static func log(_ kernel: DeploymentKernel, _ prefix: String) -> String? {
        kernel.logEntries.last { $0.message.hasPrefix(prefix) }.map { String($0.message.dropFirst(prefix.count)) }
    }

    @Test func chosenSymbolAndTimeframe() throws {
        let kernel = try Self.run(symbols: ["ETHUSD"], timeframe: 300)
        #expect(Self.log(kernel, "symbols=") == "ETHUSD")
        // An hour of 60 s feed bars makes twelve 5-minute bars of ETHUSD only.
        #expect(Self.log(kernel, "bars=") == "12 first=ETHUSD/300")
        #expect(Self.log(kernel, "other=") == "unknownSymbol")
        #expect(Self.log(kernel, "subscribe=") == "false")
    }

    @Test func defaultIsTheFeedsFirstSymbolNeverAll() throws {
        let kernel = try Self.run(symbols: nil, timeframe: nil)
        #expect(Self.log(kernel, "symbols=") == "BTCUSD")
        #expect(Self.log(kernel, "bars=") == "60 first=BTCUSD/60")
    }

    @Test func timeframeThatIsNotAMultipleFaults() throws {
        let kernel = try Self.run(symbols: nil, timeframe: 90)
        guard case .faulted(let reason) = kernel.status else {
            Issue.record("expected a fault, got \(kernel.status)")
            return
        }
        #expect(reason.contains("not a multiple of the feed's 60 s bars"))
    }

    @Test func builtBarsCoverTheirWindow() {
        var builder = BarBuilder(timeframe: 180)
        let instrument = Instrument(symbol: "X")
        func bar(_ time: Int64, _ open: Double, _ high: Double, _ low: Double, _ close: Double) -> Bar {
            Bar(time: time, open: instrument.price(open), high: instrument.price(high), low: instrument.price(low),
                close: instrument.price(close), volume: instrument.quantity(1))
        }
        guard case .pending = builder.add(bar(0, 10, 12, 9, 11), timeframe: 60, symbol: "X"),
              case .pending = builder.add(bar(60, 11, 15, 10, 14), timeframe: 60, symbol: "X"),
              case .complete(let built, let seconds) = builder.add(bar(120, 14, 14, 8, 13), timeframe: 60, symbol: "X") else {
            Issue.record("expected two pending bars, then a complete one")
            return
        }
        #expect(seconds == 180)
        #expect(built == bar(0, 10, 15, 8, 13).with(volume: instrument.quantity(3)))
    }
}

private extension Bar {
    func with(volume: Quantity) -> Bar {
        var copy = self
        copy.volume = volume
        return copy
    }
}
