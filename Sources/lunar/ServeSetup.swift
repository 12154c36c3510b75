import ArgumentParser
import Foundation
import Gateway
import Host
import Logging
import Platform

/// The market a server trades on: a seeded synthetic market of a few
/// symbols, or a CSV of bars replayed in a loop-free pass.
enum MarketSetup {
    /// `continuing`: the latest market time the database recorded; the
    /// synthetic market starts after it when that is ahead of the wall clock
    /// (it runs faster than the wall clock), so a restart never takes market
    /// time back under resumed deployments and their equity histories.
    static func make(feed: String, speed: Double?, continuing latest: Int64? = nil) throws -> (MarketTape, (MarketFeed, any DeploymentHost) -> Void) {
        if feed == "synthetic" {
            let barSeconds = SyntheticMarket.Configuration().barSeconds
            let start = max(Int64(Date().timeIntervalSince1970), latest.flatMap { $0 < Int64.max / 2 ? ($0 / barSeconds + 1) * barSeconds : nil } ?? .min)
            let instruments = SyntheticMarket().instruments
            return (MarketTape(instruments: instruments, barSeconds: SyntheticMarket.Configuration().barSeconds), { runner, host in
                runner.start(into: host, speed: speed ?? 60) { SyntheticMarket(configuration: .init(seed: 42, startTime: start)) }
            })
        }
        let instrument = Instrument(symbol: "BTCUSD")
        let bars: [Bar]
        do { bars = try BarCSV.load(path: feed, instrument: instrument) } catch { throw ValidationError("\(feed): \(error)") }
        return (MarketTape(instruments: [instrument], barSeconds: BarCSV.timeframe(of: bars)), { runner, host in
            runner.start(into: host, speed: speed ?? 3_600) {
                BarReplaySource(bars: ["BTCUSD": bars], instruments: [instrument], timeframe: BarCSV.timeframe(of: bars))
            }
        })
    }
}

/// The JWT secret and the first admin account.
enum ServerSecrets {
    /// Reads the secret file, or makes a 256-bit secret and stores it (mode 0600) on first start.
    static func jwtSecret(file: String, logger: Logger) throws -> String {
        if let text = try? String(contentsOfFile: file, encoding: .utf8), text.count >= 32 {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: file).deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write the JWT secret to \(file)")
        }
        logger.info("generated a JWT secret", metadata: ["file": .string(file)])
        return secret
    }

    /// Creates the superadmin on first start: from LUNAR_ADMIN_EMAIL and
    /// LUNAR_ADMIN_PASSWORD (and LUNAR_ADMIN_USERNAME), or with a random
    /// password printed once. Later starts leave the account alone.
    static func bootstrapAdmin(_ gateway: Gateway, environment: [String: String]) async throws {
        let email = environment["LUNAR_ADMIN_EMAIL"] ?? "admin@lunar.local"
        let username = environment["LUNAR_ADMIN_USERNAME"] ?? "admin"
        let given = environment["LUNAR_ADMIN_PASSWORD"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let password = given ?? (String((0..<18).map { _ in alphabet.randomElement(using: &generator)! }) + "7a")
        guard try await gateway.bootstrapSuperadmin(username: username, email: email, password: password) else { return }
        if given == nil {
            Console.write("""
                ┌ one-time admin credentials (not shown again; set LUNAR_ADMIN_EMAIL / LUNAR_ADMIN_PASSWORD to choose them)
                │ login: \(email)   password: \(password)
                └
                """)
        } else {
            Console.write("admin account \(email) created from the environment")
        }
    }
}

/// What `lunar serve` prints once it listens.
enum Quickstart {
    static func print(host: String, port: Int, hostMode: String) {
        let base = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        Console.write("""
            Lunar API listening on \(base)  (deployments: \(hostMode); API reference: \(base)/docs)
            Web console: open \(base)/ in a browser and register.
            Quickstart:
              curl -s \(base)/api/health
              curl -s -X POST \(base)/api/auth/register -H 'Content-Type: application/json' \\
                   -d '{"username":"alice","email":"alice@example.com","password":"correct-horse-42"}'
              TOKEN=$(curl -s -X POST \(base)/api/auth/login -H 'Content-Type: application/json' \\
                   -d '{"login":"alice","password":"correct-horse-42"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["accessToken"])')
              curl -s \(base)/api/auth/me -H "Authorization: Bearer $TOKEN"
            (README.md has the full walk-through: upload, backtest, deploy, watch.)
            """)
    }
}

/// Unbuffered lines on standard output (print() is block-buffered into a pipe).
enum Console {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
