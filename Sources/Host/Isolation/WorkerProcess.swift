import Foundation
import Glibc

/// How a worker process ended.
public enum WorkerExit: Sendable, Equatable {
    case exited(code: Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited(code: (status >> 8) & 0xff) : .signaled(signal)
    }
}

/// One running `lunar worker`: its pid, its socket and its watchdog page.
/// Owns all three: the socket closes and the page unmaps when the last
/// reference goes; `reap()` collects the exit status exactly once.
///
/// Workers are started with `posix_spawn` of the executable, never with
/// `fork()`: forking a multithreaded Swift process copies locks held by
/// threads that do not exist in the child.
final class WorkerProcess: @unchecked Sendable {
    let pid: pid_t
    let channel: FrameChannel
    let page: WatchdogPage
    private let reaped = NSLock()
    private var exit: WorkerExit?

    private init(pid: pid_t, channel: FrameChannel, page: WatchdogPage) {
        self.pid = pid
        self.channel = channel
        self.page = page
    }

    static func spawn(_ configuration: IsolationConfiguration) throws(IsolationError) -> WorkerProcess {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw .system(call: "socketpair", errno: errno)
        }
        let page: WatchdogPage
        do {
            page = try WatchdogPage.create()
        } catch {
            close(pair[0]); close(pair[1])
            throw error
        }
        // Move the child's ends above 3 and 4 so the dup2s below cannot
        // overwrite one another.
        let childSocket = fcntl(pair[1], F_DUPFD_CLOEXEC, 10)
        let childPage = fcntl(page.descriptor, F_DUPFD_CLOEXEC, 10)
        close(pair[1])
        defer { close(childSocket); close(childPage) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childSocket, 3)
        posix_spawn_file_actions_adddup2(&actions, childPage, 4)
        // Nothing else of the host crosses: sockets the server's libraries
        // opened without close-on-exec (its listening socket, client
        // connections) would otherwise live on in the worker.
        guard closeFrom(5, &actions) else {
            close(pair[0])
            throw .system(call: "posix_spawn_file_actions_addclosefrom_np", errno: ENOSYS)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGXCPU, SIGSEGV, SIGTERM, SIGINT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var environment = ProcessInfo.processInfo.environment
        environment[WorkerRuntime.testHooksVariable] = configuration.testHooks ? "1" : nil
        environment[WorkerRuntime.testPoisonSymbolVariable] = nil
        environment[WorkerRuntime.testPoisonBatchVariable] = nil
        if configuration.testHooks { environment.merge(configuration.testEnvironment) { _, test in test } }
        // A crashing worker is replaced at once; the Swift backtracer would
        // first spend seconds symbolicating (an operator can turn it back on).
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        let arguments = configuration.workerArguments
        var pid: pid_t = 0
        let result = withCStrings(arguments) { argv in
            withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
                posix_spawn(&pid, configuration.executablePath, &actions, &attributes, argv, envp)
            }
        }
        guard result == 0 else {
            close(pair[0])
            throw .spawnFailed(path: configuration.executablePath, errno: result)
        }
        let channel = FrameChannel(descriptor: pair[0], maximumFrameBytes: configuration.maximumFrameBytes,
                                   expectsWorkerFrames: true)
        return WorkerProcess(pid: pid, channel: channel, page: page)
    }

    /// SIGKILL: the one signal a broken worker cannot catch or ignore.
    func kill() {
        reaped.lock()
        defer { reaped.unlock() }
        if exit == nil { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Waits for the process to end and returns how it ended. Only the
    /// reader thread of this process calls it. It waits without reaping
    /// (WNOWAIT), marks the process ended under the lock, then reaps: so
    /// `kill()` never signals a pid the system may have handed to another
    /// process.
    func reap() -> WorkerExit {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        reaped.lock()
        defer { reaped.unlock() }
        if let exit { return exit }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let result = WorkerExit(waitStatus: status)
        exit = result
        return result
    }

    var hasEnded: Bool { reaped.withLock { exit != nil } }

    /// Resident memory of the worker (VmRSS), nil once it has gone.
    func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; the
/// Swift overlay does not export it): the child closes every descriptor from
/// `lowest` up. False when this C library lacks it.
private func closeFrom(_ lowest: Int32, _ actions: inout posix_spawn_file_actions_t) -> Bool {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return false }
    let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
    return addCloseFrom(&actions, lowest) == 0
}

/// Calls `body` with a NULL-terminated `char *[]` of `strings`.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
