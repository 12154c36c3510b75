import Sandbox
import Testing
@testable import Host

/// `OrderRequest.parse`, what `ctx.order`/`ctx.buy`/`ctx.sell` read from a
/// script's table: every field, the inferred type, and an error naming the
/// field for every kind of bad table.
@Suite struct OrderRequestParseTests {
    static func parse(_ table: [String: LuaValue], side: Side? = .buy, symbol: String? = "BTCUSD") throws(HostCallError) -> OrderRequest {
        try OrderRequest.parse(table, side: side, defaultSymbol: symbol)
    }

    static func message(_ table: [String: LuaValue], side: Side? = .buy, symbol: String? = "BTCUSD") -> String? {
        do {
            _ = try parse(table, side: side, symbol: symbol)
            return nil
        } catch {
            if case .failed(let message) = error { return message }
            return "\(error)"
        }
    }

    @Test func everyFieldIsRead() throws {
        let request = try Self.parse([
            "symbol": "ETHUSD", "side": "sell", "type": "stop_limit", "quantity": 2.5, "price": 1_900, "trigger": .integer(1_950),
            "tif": "ioc", "tag": "exit", "reduce_only": true,
        ], side: nil)
        #expect(request == OrderRequest(symbol: "ETHUSD", side: .sell, kind: .stopLimit, size: .quantity(2.5), price: 1_900,
                                        trigger: 1_950, timeInForce: .ioc, tag: "exit", reduceOnly: true))
        // Defaults: the current symbol, a market order, GTC, no tag.
        #expect(try Self.parse(["equity": 0.95]) == OrderRequest(symbol: "BTCUSD", side: .buy, size: .equityFraction(0.95)))
        #expect(try Self.parse(["notional": 100]).size == .notional(100))
    }

    @Test func theTypeFollowsFromPriceAndTrigger() throws {
        #expect(try Self.parse(["quantity": 1]).kind == .market)
        #expect(try Self.parse(["quantity": 1, "price": 10]).kind == .limit)
        #expect(try Self.parse(["quantity": 1, "trigger": 10]).kind == .stop)
        #expect(try Self.parse(["quantity": 1, "price": 10, "trigger": 11]).kind == .stopLimit)
    }

    @Test func unknownFieldsAreNamedFirstInSortedOrder() {
        let message = Self.message(["quantity": 1, "zeta": 1, "qty": 2, "alpha": true])
        #expect(message?.hasPrefix("unknown order field 'alpha' (known: equity, notional, price, quantity, reduce_only, side,") == true,
                "\(message ?? "no error")")
        #expect(Self.message(["quantity": 1, "Quantity": 1]) != nil, "keys are case-sensitive")
        #expect(Self.message(["quantity": 1, "alpha": 1], side: nil) == Self.message(["quantity": 1, "alpha": 1, "side": 5], side: nil),
                "an unknown field is reported before any bad value")
    }

    @Test(arguments: [
        (["quantity": 1, "symbol": 5] as [String: LuaValue], Side?.some(.buy), "order field 'symbol' must be a string"),
        (["quantity": 1, "side": "sell"], .buy, "ctx.buy takes no 'side' field"),
        (["quantity": 1], nil, "order field 'side' must be \"buy\" or \"sell\""),
        (["quantity": 1, "side": "hold"], nil, "order field 'side' must be \"buy\" or \"sell\""),
        (["quantity": 1, "type": "iceberg"], .buy, "order field 'type' must be market, limit, stop or stop_limit, got \"iceberg\""),
        (["quantity": 1, "type": 3], .buy, "order field 'type' must be a string"),
        ([:], .buy, "order needs exactly one of quantity, notional or equity (got none)"),
        (["quantity": 1, "equity": 0.5], .buy, "order needs exactly one of quantity, notional or equity (got quantity, equity)"),
        (["quantity": -1], .buy, "order field 'quantity' must be a positive finite number"),
        (["quantity": "1"], .buy, "order field 'quantity' must be a positive finite number"),
        (["notional": 0], .buy, "order field 'notional' must be a positive finite number"),
        (["equity": 1.5], .buy, "order field 'equity' is a fraction of equity: 0 < equity <= 1, got 1.5"),
        (["quantity": 1, "price": -3], .buy, "order field 'price' must be a positive finite number"),
        (["quantity": 1, "trigger": true], .buy, "order field 'trigger' must be a positive finite number"),
        (["quantity": 1, "type": "market", "price": 3], .buy, "a market order takes no price or trigger"),
        (["quantity": 1, "type": "limit"], .buy, "a limit order needs 'price'"),
        (["quantity": 1, "type": "limit", "price": 3, "trigger": 4], .buy, "a limit order takes no trigger (use type = \"stop_limit\")"),
        (["quantity": 1, "type": "stop"], .buy, "a stop order needs 'trigger'"),
        (["quantity": 1, "type": "stop", "trigger": 3, "price": 4], .buy, "a stop order takes no price (use type = \"stop_limit\")"),
        (["quantity": 1, "type": "stop_limit", "price": 3], .buy, "a stop_limit order needs 'price' and 'trigger'"),
        (["quantity": 1, "tif": "forever"], .buy, "order field 'tif' must be GTC, IOC, FOK or DAY"),
        (["quantity": 1, "tag": .string(String(repeating: "x", count: 65))], .buy, "order field 'tag' must be a string of at most 64 bytes"),
        (["quantity": 1, "tag": "a\u{0}b"], .buy, "order field 'tag' must be a string of at most 64 bytes"),
        (["quantity": 1, "reduce_only": 1], .buy, "order field 'reduce_only' must be true or false"),
    ] as [([String: LuaValue], Side?, String)])
    func aBadTableIsRefusedNamingTheField(table: [String: LuaValue], side: Side?, expected: String) {
        #expect(Self.message(table, side: side) == expected)
    }

    @Test func withoutACurrentEventTheSymbolIsRequired() {
        #expect(Self.message(["quantity": 1], symbol: nil) == "order needs a symbol (no current event to take it from)")
        #expect(Self.message(["quantity": 1, "symbol": "ETHUSD"], symbol: nil) == nil)
    }
}
