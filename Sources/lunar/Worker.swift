import ArgumentParser
import Foundation
import Host

/// `lunar worker`: the process a `SupervisedHost` starts. Not for people:
/// it speaks the binary frame protocol of docs/isolation.md on descriptor 3
/// and reads its watchdog page from descriptor 4.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Internal: serve a supervisor's frames (started by the isolated host).",
        shouldDisplay: false)

    @Option(help: "RLIMIT_AS for this process, in bytes.") var addressSpaceBytes: Int?
    @Option(help: "CPU seconds one batch may use before SIGXCPU.") var cpuSecondsPerBatch: Int?
    @Option(help: "The nice value to run at (0-19).") var niceness: Int32?
    @Option(help: "The largest frame accepted.") var maxFrameBytes: Int = IsolationConfiguration.defaultMaximumFrameBytes

    func run() throws {
        let code = WorkerRuntime.run(WorkerOptions(
            addressSpaceBytes: addressSpaceBytes, cpuSecondsPerBatch: cpuSecondsPerBatch, maximumFrameBytes: maxFrameBytes,
            niceness: niceness))
        if code != 0 { throw ExitCode(code) }
    }
}
