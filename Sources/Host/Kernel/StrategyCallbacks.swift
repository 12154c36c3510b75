import Sandbox

/// What the kernel keeps about the strategy's callbacks: each `on_*`
/// function the script defines, resolved once at load (nil when it defines
/// none, so an event it does not handle costs one branch), and the argument
/// layouts those callbacks receive.
struct StrategyCallbacks {
    let onStart, onBar, onTick, onBook, onOrder, onFill, onTimer, onStop: LuaFunction?

    /// Looks up every callback by its global name in `sandbox`.
    init(_ sandbox: Sandbox) throws(SandboxError) {
        func resolve(_ name: String) throws(SandboxError) -> LuaFunction? {
            sandbox.hasFunction(named: name) ? try sandbox.function(named: name) : nil
        }
        onStart = try resolve("on_start")
        onBar = try resolve("on_bar")
        onTick = try resolve("on_tick")
        onBook = try resolve("on_book")
        onOrder = try resolve("on_order")
        onFill = try resolve("on_fill")
        onTimer = try resolve("on_timer")
        onStop = try resolve("on_stop")
    }
}

/// The `ctx` reference and the record layouts of event tables, interned once.
struct EventArguments {
    let context: LuaReference
    let bar: RecordLayout
    let trade: RecordLayout
    let order: RecordLayout
    let fill: RecordLayout

    /// Interns the `ctx` reference and every event table's keys in `sandbox`.
    init(_ sandbox: Sandbox) throws(SandboxError) {
        context = try sandbox.reference(global: "ctx")
        bar = try sandbox.recordLayout(keys: ["symbol", "time", "timeframe", "open", "high", "low", "close", "volume"])
        trade = try sandbox.recordLayout(keys: ["symbol", "time", "price", "quantity"])
        order = try sandbox.recordLayout(keys: [
            "id", "symbol", "side", "type", "status", "quantity", "filled", "price", "trigger", "tif", "tag",
            "average_price", "reason", "message", "limit",
        ])
        fill = try sandbox.recordLayout(keys: ["order_id", "symbol", "side", "quantity", "price", "fee", "time", "tag"])
    }
}
