import Foundation
import Glibc
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport

/// A real `lunar serve` in a process of its own, on a free loopback port,
/// over a database in `directory`: what the crash tests kill with SIGKILL.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    /// The server's log (standard error), for a failing test's message.
    let logPath: String
    private let output = Pipe()

    /// Starts the server and waits (at most `timeout` seconds) until it listens.
    init(directory: URL, extraArguments: [String] = [], environment extra: [String: String] = [:], timeout: Double = 60) throws {
        process.executableURL = URL(fileURLWithPath: TestPaths.lunarExecutable)
        let root = TestPaths.root
        process.arguments = ["serve", "--port", "0", "--database", directory.appendingPathComponent("lunar.sqlite").path,
                             "--jwt-secret-file", directory.appendingPathComponent("jwt-secret").path,
                             "--templates", root.appendingPathComponent("templates").path,
                             "--strategies", root.appendingPathComponent("strategies").path,
                             "--sample-data", root.appendingPathComponent("data/sample-btcusd-1h.csv").path,
                             "--bcrypt-cost", "4", "--auth-rate-limit", "100000", "--api-rate-limit", "1000000",
                             "--anonymous-rate-limit", "1000000"] + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["LUNAR_ADMIN_EMAIL"] = "root@example.com"
        environment["LUNAR_ADMIN_USERNAME"] = "root"
        environment["LUNAR_ADMIN_PASSWORD"] = "root-password-123"
        environment["LOG_LEVEL"] = "warning"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = output
        let log = directory.appendingPathComponent("server-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        logPath = log.path
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // The quickstart banner names the port: "Lunar API listening on http://127.0.0.1:PORT".
        let deadline = Date(timeIntervalSinceNow: timeout)
        var text = ""
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { Thread.sleep(forTimeInterval: 0.05); continue }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                found = Int(text[range].split(separator: ":").last ?? "")
            }
        }
        guard let found else {
            process.terminate()
            throw ServerError.didNotStart(text)
        }
        port = found
        // Keep draining the pipe so the server never blocks on a full one.
        let handle = output.fileHandleForReading
        Thread.detachNewThread { while !handle.availableData.isEmpty {} }
    }

    /// The end of the server's log and how it ended, if it did.
    var diagnosis: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let exit = process.isRunning ? "running" : "exited with \(process.terminationStatus) (\(process.terminationReason == .uncaughtSignal ? "signal" : "exit"))"
        return "server \(exit); log tail:\n" + text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    /// A hard kill: no shutdown, no last checkpoint, no flush.
    func kill9() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait: the graceful shutdown.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// One request on a connection of its own.
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, token: String? = nil) async throws -> API.Reply {
        try await API.callAlone(port: port, method, uri, json: json, token: token)
    }

    /// Registers (unless `register` is false) and signs in; the access token and user id.
    func signIn(_ name: String, register: Bool = true, password: String = "correct-horse-42") async throws -> (token: String, id: Int) {
        if register {
            let registered = try await call(.post, "/api/auth/register",
                                            json: ["username": name, "email": "\(name)@example.com", "password": password])
            guard registered.status == 201 else { throw ServerError.refused("register \(name): \(registered.text)") }
        }
        let reply = try await call(.post, "/api/auth/login", json: ["login": name, "password": password])
        guard reply.status == 200 else { throw ServerError.refused("login \(name): \(reply.text)") }
        return (reply.json["accessToken"] as? String ?? "", (reply.json["user"] as? [String: Any])?["id"] as? Int ?? 0)
    }

    enum ServerError: Error { case didNotStart(String), refused(String) }

    deinit { if process.isRunning { kill9() } }
}
