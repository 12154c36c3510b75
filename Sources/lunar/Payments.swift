import ArgumentParser
import Foundation
import Gateway

/// `lunar payments sign --user-id 3 --amount 50.00`: a signed
/// `payment.succeeded` webhook call, printed as a curl command, so a test
/// server's wallet can be funded the way a payment provider would
/// (docs/api.md, "Funding a wallet on a test server").
struct Payments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Payment-provider tools for test servers.", subcommands: [Sign.self])

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a signed payment.succeeded webhook call (curl) crediting a user's wallet.")

        @Option(name: .customLong("user-id"), help: "The user whose wallet is credited.") var userID: Int64
        @Option(help: "Amount as a decimal string, e.g. 50.00.") var amount: String
        @Option(help: "Currency.") var currency: String = "USD"
        @Option(name: .customLong("event-id"), help: "The provider's event id (default: random; a repeated id is applied once).") var eventID: String?
        @Option(name: .customLong("secret-file"), help: "File holding the webhook secret [default: LUNAR_WEBHOOK_SECRET].") var secretFile: String?
        @Option(help: "The server's base URL.") var url: String = "http://127.0.0.1:8080"
        @Flag(help: "Print the body and the Lunar-Signature header as JSON instead of a curl command.") var json = false

        func validate() throws {
            guard userID > 0 else { throw ValidationError("--user-id must be a positive user id") }
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw ValidationError("--currency must be three capital letters, e.g. USD")
            }
        }

        func run() throws {
            let secret: String
            if let secretFile {
                do { secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) } catch {
                    throw ValidationError("cannot read \(secretFile): \(error.localizedDescription)")
                }
            } else if let value = ProcessInfo.processInfo.environment["LUNAR_WEBHOOK_SECRET"], !value.isEmpty {
                secret = value
            } else {
                throw ValidationError("give --secret-file or set LUNAR_WEBHOOK_SECRET (the server's webhook secret)")
            }
            guard !secret.isEmpty else { throw ValidationError("the webhook secret is empty") }
            let event = eventID ?? "evt-" + UUID().uuidString.lowercased()
            let signed: (body: Data, signature: String)
            do {
                signed = try PaymentSignature.succeededEvent(userID: userID, amount: amount, currency: currency, eventID: event,
                                                             secret: secret, timestamp: Int64(Date().timeIntervalSince1970))
            } catch {
                throw ValidationError("--amount must be a decimal string above 0 with at most 2 decimals, e.g. 50.00")
            }
            let body = String(decoding: signed.body, as: UTF8.self)
            if json {
                let output = try JSONSerialization.data(withJSONObject: ["body": body, "signature": signed.signature], options: [.sortedKeys])
                print(String(decoding: output, as: UTF8.self))
            } else {
                let base = url.hasSuffix("/") ? String(url.dropLast()) : url
                print("curl -s \(base)/api/webhooks/payments -H 'Content-Type: application/json' "
                      + "-H 'Lunar-Signature: \(signed.signature)' -d '\(body)'")
            }
        }
    }
}
