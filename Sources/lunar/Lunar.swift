import ArgumentParser

/// The `lunar` command line.
@main
struct Lunar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run sandboxed Lua trading strategies.",
        subcommands: [Check.self, Replay.self]
    )
}
