import ArgumentParser

/// The `lunar` command line.
@main
struct Lunar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run sandboxed Lua trading strategies.",
        subcommands: [Backtest.self, Run.self, Check.self, Replay.self, Worker.self]
    )
}
