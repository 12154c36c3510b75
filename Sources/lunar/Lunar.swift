import ArgumentParser

/// The `lunar` command line.
@main
struct Lunar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run sandboxed Lua trading strategies.",
        subcommands: [Serve.self, Backtest.self, Optimize.self, Run.self, Check.self, Replay.self, Worker.self, Payments.self]
    )
}
